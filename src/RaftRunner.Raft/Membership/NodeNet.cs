using System.Text.RegularExpressions;

namespace RaftRunner.Raft.Membership;

/// <summary>net.isIP from Node 20 (lib/internal/net.js), with the same regular expressions.</summary>
internal static class NodeNet
{
    private const string V4Seg = "(?:25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9][0-9]|[0-9])";
    private const string V4Str = $@"(?:{V4Seg}\.){{3}}{V4Seg}";
    private const string V6Seg = "(?:[0-9a-fA-F]{1,4})";

    private static readonly Regex IPv4 = new($"^{V4Str}\\z", RegexOptions.CultureInvariant);

    private static readonly Regex IPv6 = new(
        "^(?:" +
        $"(?:{V6Seg}:){{7}}(?:{V6Seg}|:)|" +
        $"(?:{V6Seg}:){{6}}(?:{V4Str}|:{V6Seg}|:)|" +
        $"(?:{V6Seg}:){{5}}(?::{V4Str}|(?::{V6Seg}){{1,2}}|:)|" +
        $"(?:{V6Seg}:){{4}}(?:(?::{V6Seg}){{0,1}}:{V4Str}|(?::{V6Seg}){{1,3}}|:)|" +
        $"(?:{V6Seg}:){{3}}(?:(?::{V6Seg}){{0,2}}:{V4Str}|(?::{V6Seg}){{1,4}}|:)|" +
        $"(?:{V6Seg}:){{2}}(?:(?::{V6Seg}){{0,3}}:{V4Str}|(?::{V6Seg}){{1,5}}|:)|" +
        $"(?:{V6Seg}:){{1}}(?:(?::{V6Seg}){{0,4}}:{V4Str}|(?::{V6Seg}){{1,6}}|:)|" +
        $"(?::(?:(?::{V6Seg}){{0,5}}:{V4Str}|(?::{V6Seg}){{1,7}}|:))" +
        ")(?:%[0-9a-zA-Z.:-]{1,})?\\z",
        RegexOptions.CultureInvariant);

    public static bool IsIP(string? s) => s is not null && (IPv4.IsMatch(s) || IPv6.IsMatch(s));
}
