using System.Buffers;
using System.Globalization;
using System.Numerics;
using System.Text;

namespace RaftRunner.Raft.Membership;

/// <summary>ECMAScript's URI functions, as far as url.parse uses them.</summary>
internal static class JsUri
{
    /// <summary>ECMAScript decodeURIComponent, which throws URIError on a bad escape or bad UTF-8.</summary>
    public static string DecodeUriComponent(string s)
    {
        if (!s.Contains('%', StringComparison.Ordinal))
            return s;
        var decoded = new StringBuilder(s.Length);
        Span<byte> octets = stackalloc byte[4];
        for (var k = 0; k < s.Length; k++)
        {
            if (s[k] != '%')
            {
                decoded.Append(s[k]);
                continue;
            }
            if (k + 2 >= s.Length)
                throw JsException.UriMalformed();
            var b = HexByte(s, k + 1);
            k += 2;
            if (b < 0x80)
            {
                decoded.Append((char)b);
                continue;
            }
            var n = BitOperations.LeadingZeroCount(~(uint)b << 24);
            if (n is 1 or > 4 || k + 3 * (n - 1) >= s.Length)
                throw JsException.UriMalformed();
            octets[0] = (byte)b;
            for (var j = 1; j < n; j++)
            {
                k++;
                if (s[k] != '%')
                    throw JsException.UriMalformed();
                var next = HexByte(s, k + 1);
                if ((next & 0xc0) != 0x80)
                    throw JsException.UriMalformed();
                k += 2;
                octets[j] = (byte)next;
            }
            if (Rune.DecodeFromUtf8(octets[..n], out var rune, out var consumed) != OperationStatus.Done || consumed != n)
                throw JsException.UriMalformed();
            decoded.Append(rune.ToString());
        }
        return decoded.ToString();
    }

    private static int HexByte(string s, int at) =>
        char.IsAsciiHexDigit(s[at]) && char.IsAsciiHexDigit(s[at + 1])
            ? int.Parse(s.AsSpan(at, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture)
            : throw JsException.UriMalformed();
}
