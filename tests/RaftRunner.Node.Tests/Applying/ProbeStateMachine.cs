using System.Collections.Concurrent;
using RaftRunner.Node.StateMachines;
using RaftRunner.Protocol;

namespace RaftRunner.Node.Tests.Applying;

/// <summary>A state machine that records what it is called with, checks calls never overlap, and fails on request; the state itself is a key-value machine's.</summary>
internal sealed class ProbeStateMachine(IStateMachine? inner = null) : IStateMachine
{
    private int _inCall;
    private int _overlaps;

    public IStateMachine Inner { get; } = inner ?? new KeyValueStateMachine();

    /// <summary>Data of every entry ApplyAsync was given, in order (including one it then failed on).</summary>
    public ConcurrentQueue<byte[]> Applied { get; } = new();

    public int Restores;
    public int Writes;
    public int Queries;

    public Func<LogEntry, bool>? FailApplyWhen { get; set; }

    public bool FailWrite { get; set; }

    public bool FailRestore { get; set; }

    /// <summary>Yield inside every call, so an applier that let calls overlap would be caught.</summary>
    public bool Yield { get; set; }

    public int Overlaps => Volatile.Read(ref _overlaps);

    public async ValueTask<object?> ApplyAsync(LogEntry entry, CancellationToken ct)
    {
        using var _ = await Enter();
        Applied.Enqueue(entry.Data.ToArray());
        if (FailApplyWhen?.Invoke(entry) == true)
            throw new StateMachineCorruptException("the probe fails this entry");
        if (RejectApplyWhen?.Invoke(entry) == true)
            throw new InvalidOperationException("the probe rejects this entry");
        await Inner.ApplyAsync(entry, ct);
        return ResultOf?.Invoke(entry);
    }

    /// <summary>Entries for which ApplyAsync throws an ordinary exception: a rejection (state untouched, node goes on).</summary>
    public Func<LogEntry, bool>? RejectApplyWhen { get; set; }

    /// <summary>What ApplyAsync returns for an entry it applied.</summary>
    public Func<LogEntry, object?>? ResultOf { get; set; }

    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct)
    {
        using var _ = await Enter();
        Interlocked.Increment(ref Writes);
        if (FailWrite)
        {
            await destination.WriteAsync(new byte[100_000], ct); // a partial snapshot that must not be installed
            throw new IOException("the probe fails this snapshot");
        }
        await Inner.WriteSnapshotAsync(destination, ct);
    }

    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
    {
        using var _ = await Enter();
        Interlocked.Increment(ref Restores);
        if (FailRestore)
            throw new IOException("the probe fails this restore");
        await Inner.RestoreSnapshotAsync(source, ct);
    }

    public async ValueTask<ReadOnlyMemory<byte>> QueryAsync(ReadOnlyMemory<byte> request, CancellationToken ct)
    {
        using var _ = await Enter();
        Interlocked.Increment(ref Queries);
        return await Inner.QueryAsync(request, ct);
    }

    private async ValueTask<Exit> Enter()
    {
        if (Interlocked.Increment(ref _inCall) > 1)
            Interlocked.Increment(ref _overlaps);
        if (Yield)
            await Task.Delay(1);
        return new Exit(this);
    }

    private readonly struct Exit(ProbeStateMachine owner) : IDisposable
    {
        public void Dispose() => Interlocked.Decrement(ref owner._inCall);
    }
}
