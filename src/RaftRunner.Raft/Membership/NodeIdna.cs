using System.Text;

namespace RaftRunner.Raft.Membership;

/// <summary>
/// Node 20's <c>toASCII</c> binding (ada 2.9's IDNA), as url.parse calls it on a hostname: the part we can reproduce
/// without UTS #46 (see the deviations in <see cref="PeerListValidator"/>).
/// </summary>
internal static class NodeIdna
{
    /// <summary>
    /// The toASCII binding (ada 2.9 to_ascii): ASCII is lowercased and only "xn--" labels are checked; the result
    /// is read back as a C string, so it ends at the first NUL. "" means failure.
    /// </summary>
    public static string ToAscii(string hostname)
    {
        var mapped = MapUts46Subset(hostname);
        if (mapped is null)
            return string.Empty;
        var labels = mapped.ToLowerInvariant().Split('.');
        for (var i = 0; i < labels.Length; i++)
        {
            if (labels[i].StartsWith("xn--", StringComparison.Ordinal))
            {
                if (!Ascii.IsValid(labels[i]) || !IsAcceptablePunycode(labels[i][4..]))
                    return string.Empty;
            }
            else if (!Ascii.IsValid(labels[i]))
            {
                // Deviation: without UTS #46 we cannot validate or encode the label. "xn--" + the label stands in
                // for its punycode: like it, it is never part of an IP address, and a NUL in it cuts it short.
                labels[i] = "xn--" + labels[i];
            }
        }
        var ascii = string.Join('.', labels);
        var nul = ascii.IndexOf('\0', StringComparison.Ordinal);
        return nul < 0 ? ascii : ascii[..nul];
    }

    /// <summary>
    /// The part of UTS #46 mapping we reproduce (checked against Node's toASCII): fullwidth ASCII, the ideographic
    /// full stops, the invisible characters it drops, the spaces it maps to " ", and characters it rejects (null).
    /// </summary>
    private static string? MapUts46Subset(string hostname)
    {
        if (Ascii.IsValid(hostname))
            return hostname;
        var mapped = new StringBuilder(hostname.Length);
        foreach (var c in hostname)
        {
            switch (c)
            {
                case >= '\uff01' and <= '\uff5e':
                    mapped.Append(char.ToLowerInvariant((char)(c - 0xfee0)));
                    break;
                case '\u3002' or '\uff61':
                    mapped.Append('.');
                    break;
                case '\u00ad' or '\u034f' or '\u200b' or '\u2060' or '\ufeff':
                    break;
                case '\u00a0' or (>= '\u2000' and <= '\u200a') or '\u3000':
                    mapped.Append(' ');
                    break;
                case (>= '\u0080' and <= '\u009f') or '\u200c' or '\u200d' or '\u1680' or '\u180e' or '\u2028' or '\u2029':
                    return null;
                default:
                    mapped.Append(c);
                    break;
            }
        }
        return mapped.ToString();
    }

    /// <summary>
    /// ada's punycode_to_utf32 plus the checks we can make: the label must decode and must not be empty.
    /// A decoded label with non-ASCII code points is accepted without UTS #46 validation (a deviation).
    /// </summary>
    private static bool IsAcceptablePunycode(string input)
    {
        const int Base = 36, TMin = 1, TMax = 26;
        var written = 0;
        uint n = 128;
        int i = 0, bias = 72;
        var lastDash = input.LastIndexOf('-');
        if (lastDash >= 0)
        {
            written = lastDash;
            input = input[(lastDash + 1)..];
        }
        var at = 0;
        while (at < input.Length)
        {
            var oldi = i;
            var w = 1;
            for (var k = Base; ; k += Base)
            {
                if (at >= input.Length)
                    return false;
                var c = input[at++];
                var digit = c is >= 'a' and <= 'z' ? c - 'a' : c is >= '0' and <= '9' ? c - '0' + 26 : -1;
                if (digit < 0 || digit > (int.MaxValue - i) / w)
                    return false;
                i += digit * w;
                var t = k <= bias ? TMin : k >= bias + TMax ? TMax : k - bias;
                if (digit < t)
                    break;
                if (w > int.MaxValue / (Base - t))
                    return false;
                w *= Base - t;
            }
            bias = Adapt(i - oldi, written + 1, oldi == 0);
            if (i / (written + 1) > int.MaxValue - n)
                return false;
            n += (uint)(i / (written + 1));
            i %= written + 1;
            if (n < 0x80)
                return false;
            written++;
            i++;
        }
        return written > 0;
    }

    private static int Adapt(int delta, int points, bool first)
    {
        delta = first ? delta / 700 : delta / 2;
        delta += delta / points;
        var k = 0;
        while (delta > (35 * 26) / 2)
        {
            delta /= 35;
            k += 36;
        }
        return k + 36 * delta / (delta + 38);
    }
}
