using System.Globalization;
using System.Text;

namespace ExampleApp;

/// <summary>
/// One change to the accounts, and how it travels in the log: a line of UTF-8 text — <c>deposit alice 10</c>,
/// <c>withdraw alice 5</c>, <c>transfer alice bob 3</c>. Text keeps the log readable in a dump and lets the console
/// take the very words that are replicated.
/// </summary>
public sealed record BankCommand(string Op, string Account, long Amount, string? To = null)
{
    public const string Deposit = "deposit";
    public const string Withdraw = "withdraw";
    public const string Transfer = "transfer";

    // Strict: bytes that are not UTF-8 are an error, not replacement characters that might still parse.
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    /// <summary>Reads a command; <see cref="FormatException"/> names what is wrong.</summary>
    public static BankCommand Parse(string text)
    {
        var words = text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        return words switch
        {
            [Deposit or Withdraw, var account, var amount] => new(words[0], ParseName(account), ParseAmount(amount)),
            [Transfer, var from, var to, var amount] => new(Transfer, ParseName(from), ParseAmount(amount), ParseName(to)),
            _ => throw new FormatException($"not a command: '{text}' (deposit NAME AMOUNT, withdraw NAME AMOUNT, transfer FROM TO AMOUNT)"),
        };
    }

    /// <summary>
    /// Reads a command from a log entry's data. Anyone can append an entry (zmq-raft's clients too), so this checks
    /// everything and throws for anything else — which rejects that entry alike on every node.
    /// </summary>
    public static BankCommand Decode(ReadOnlySpan<byte> data) => Parse(Utf8.GetString(data));

    public byte[] Encode() => Utf8.GetBytes(ToString());

    public override string ToString() => To is null
        ? string.Create(CultureInfo.InvariantCulture, $"{Op} {Account} {Amount}")
        : string.Create(CultureInfo.InvariantCulture, $"{Op} {Account} {To} {Amount}");

    /// <summary>An account name: 1–64 letters, digits, '-' or '_' (no spaces: they separate the words).</summary>
    public static string ParseName(string word) =>
        word.Length is > 0 and <= 64 && word.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_')
            ? word
            : throw new FormatException($"'{word}' is not an account name (1-64 letters, digits, '-' or '_')");

    private static long ParseAmount(string word) =>
        long.TryParse(word, NumberStyles.None, CultureInfo.InvariantCulture, out var amount) && amount > 0
            ? amount
            : throw new FormatException($"'{word}' is not an amount (a whole number above 0)");
}
