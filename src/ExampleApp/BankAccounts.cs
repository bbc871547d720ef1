using System.Collections.Immutable;
using System.Globalization;
using System.Text;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace ExampleApp;

/// <summary>
/// Bank accounts replicated by Raft: every node applies the same commands in the same order, so every node holds
/// the same balances. A command that would overdraw an account is rejected — decided from the command and the
/// balances alone, so every node rejects the same commands.
/// </summary>
public sealed class BankAccounts : IStateMachine, ISnapshotCapture
{
    // Immutable, and replaced whole by each change: capturing a snapshot is taking this reference, and any thread
    // may read Balances while the node goes on applying.
    private ImmutableSortedDictionary<string, long> _balances = ImmutableSortedDictionary.Create<string, long>(StringComparer.Ordinal);

    /// <summary>Every account's balance as of the last applied command (safe to read from any thread).</summary>
    public ImmutableSortedDictionary<string, long> Balances => Volatile.Read(ref _balances);

    /// <summary>Applies one committed command; its result, for the caller who made the change, is the account's new balance.</summary>
    public ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct)
    {
        // Everything is checked before anything changes: a throw (FormatException, InvalidOperationException,
        // OverflowException) rejects this entry and leaves the balances as they were, on every node alike.
        var command = BankCommand.Decode(entry.Data.Span);
        var balances = _balances;
        switch (command.Op)
        {
            case BankCommand.Deposit:
                balances = balances.SetItem(command.Account, checked(balances.GetValueOrDefault(command.Account) + command.Amount));
                break;
            case BankCommand.Withdraw:
                balances = balances.SetItem(command.Account, Debit(balances, command.Account, command.Amount));
                break;
            default: // BankCommand.Transfer
                balances = balances.SetItem(command.Account, Debit(balances, command.Account, command.Amount));
                balances = balances.SetItem(command.To!, checked(balances.GetValueOrDefault(command.To!) + command.Amount));
                break;
        }
        Volatile.Write(ref _balances, balances);
        return new(balances[command.Account]);
    }

    /// <summary>Writes every balance as a line "name amount", in name order.</summary>
    public ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct) => WriteAsync(_balances, destination, ct);

    /// <summary>The balances as they are now, to be written later while the node goes on applying: they never change in place.</summary>
    public Func<Stream, CancellationToken, ValueTask> CaptureSnapshot()
    {
        var view = _balances;
        return (destination, ct) => WriteAsync(view, destination, ct);
    }

    /// <summary>
    /// Replaces every balance with a snapshot's (an empty one: no accounts yet). The new state is built aside and
    /// swapped in at the end, so a bad snapshot leaves the old state whole.
    /// </summary>
    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
    {
        var restored = ImmutableSortedDictionary.CreateBuilder<string, long>(StringComparer.Ordinal);
        using var reader = new StreamReader(source, Encoding.UTF8, leaveOpen: true);
        while (await reader.ReadLineAsync(ct) is { } line)
        {
            if (line.Split(' ') is not [var account, var balance])
                throw new InvalidDataException($"not a snapshot line: '{line}'");
            restored.Add(BankCommand.ParseName(account), long.Parse(balance, NumberStyles.None, CultureInfo.InvariantCulture));
        }
        Volatile.Write(ref _balances, restored.ToImmutable());
    }

    /// <summary>Answers "balance NAME" and "total" from the balances now; a query never changes them.</summary>
    public ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct)
    {
        var balances = _balances;
        var query = BankQuery.Decode(request.Span);
        var amount = query.Account is { } account ? balances.GetValueOrDefault(account) : balances.Values.Sum();
        return new(BankQuery.EncodeAnswer(amount));
    }

    private static long Debit(ImmutableSortedDictionary<string, long> balances, string account, long amount)
    {
        var balance = balances.GetValueOrDefault(account);
        return balance >= amount ? balance - amount : throw new InvalidOperationException($"{account} has {balance}, cannot take {amount}");
    }

    private static async ValueTask WriteAsync(ImmutableSortedDictionary<string, long> balances, Stream destination, CancellationToken ct)
    {
        // Line by line through the writer's small buffer: the stream is forward-only, and the whole state need
        // never sit in memory a second time.
        await using var writer = new StreamWriter(destination, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), bufferSize: 16 * 1024, leaveOpen: true);
        foreach (var (account, balance) in balances)
            await writer.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"{account} {balance}\n").AsMemory(), ct);
    }
}
