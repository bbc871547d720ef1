using System.Globalization;
using System.Numerics;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Raft.Membership;

/// <summary>The JavaScript conversions and type checks that parsePeers and validatePeerUrlFormat rely on.</summary>
internal static class JsValue
{
    /// <summary><c>typeof value === 'string' &amp;&amp; value.length &gt; 0</c>; null stands for undefined.</summary>
    public static bool IsNonEmptyString(MessagePackValue? value, out string text)
    {
        if (value is not null && value.TryGetString(out var s) && s.Length != 0)
        {
            text = s;
            return true;
        }
        text = string.Empty;
        return false;
    }

    /// <summary><c>url.port | 0</c>: Number() of the digits, then ToInt32, so ":4294967297" is port 1.</summary>
    public static int ToInt32(string? digits)
    {
        if (digits is null)
            return 0;
        var number = double.Parse(digits, NumberStyles.None, CultureInfo.InvariantCulture); // ∞ beyond 1.8e308
        if (double.IsInfinity(number))
            return 0;
        return unchecked((int)(uint)(ulong)(new BigInteger(number) % 4294967296));
    }
}
