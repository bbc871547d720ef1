using System.Globalization;
using System.Text;

namespace ExampleApp;

/// <summary>
/// A read of the accounts, encoded as UTF-8 text like the commands: <c>balance alice</c> (one account; 0 when it
/// has never been used) or <c>total</c> (every balance added up, which transfers never change). The answer is the
/// amount as decimal text.
/// </summary>
public sealed record BankQuery(string? Account)
{
    public static BankQuery Total { get; } = new((string?)null);

    public static BankQuery Balance(string account) => new(BankCommand.ParseName(account));

    public static BankQuery Decode(ReadOnlySpan<byte> request) =>
        Encoding.UTF8.GetString(request).Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries) switch
        {
            ["balance", var account] => Balance(account),
            ["total"] => Total,
            _ => throw new FormatException("not a query (balance NAME, total)"),
        };

    public byte[] Encode() => Encoding.UTF8.GetBytes(Account is null ? "total" : "balance " + Account);

    public static byte[] EncodeAnswer(long amount) => Encoding.UTF8.GetBytes(amount.ToString(CultureInfo.InvariantCulture));

    public static long DecodeAnswer(ReadOnlySpan<byte> answer) => long.Parse(Encoding.UTF8.GetString(answer), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
}
