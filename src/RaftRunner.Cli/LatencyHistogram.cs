using System.Numerics;

namespace RaftRunner.Cli;

/// <summary>
/// A latency histogram in the HDR style: log-linear buckets over microseconds — 256 exact buckets for 0..255 µs,
/// then 128 buckets per power of two — so any value is kept within 1/128 (under 0.8 %) of itself, from
/// microseconds to hours, in a few thousand counters. Thread-safe: recording is a few interlocked operations.
/// </summary>
internal sealed class LatencyHistogram
{
    private const int SubBits = 7;
    private const int Half = 1 << SubBits;        // buckets per power of two
    private const int Linear = Half * 2;          // exact buckets 0..255
    private const int MaxShift = 40;              // up to 2^47 µs: beyond any latency
    private readonly long[] _counts = new long[Linear + (MaxShift * Half)];
    private long _count;
    private long _sum;
    private long _max;
    private long _min = long.MaxValue;

    public long Count => Interlocked.Read(ref _count);

    /// <summary>The largest value recorded, in microseconds (exact).</summary>
    public long MaxMicroseconds => Interlocked.Read(ref _max);

    /// <summary>The smallest value recorded, in microseconds (exact); 0 when empty.</summary>
    public long MinMicroseconds => Count == 0 ? 0 : Interlocked.Read(ref _min);

    public double MeanMicroseconds => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    public void Record(TimeSpan latency) => RecordMicroseconds((long)latency.TotalMicroseconds);

    public void RecordMicroseconds(long value)
    {
        value = Math.Max(0, value);
        Interlocked.Increment(ref _counts[IndexOf(value)]);
        Interlocked.Increment(ref _count);
        Interlocked.Add(ref _sum, value);
        long seen;
        while (value > (seen = Interlocked.Read(ref _max)) && Interlocked.CompareExchange(ref _max, value, seen) != seen)
        {
        }
        while (value < (seen = Interlocked.Read(ref _min)) && Interlocked.CompareExchange(ref _min, value, seen) != seen)
        {
        }
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0–100), in microseconds: the highest value of the bucket holding
    /// that rank (HDR's "highest equivalent value"), never above the maximum recorded; 0 when empty.
    /// </summary>
    public long PercentileMicroseconds(double percentile)
    {
        var count = Count;
        if (count == 0)
            return 0;
        var rank = Math.Max(1, (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100 * count));
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += Interlocked.Read(ref _counts[i]);
            if (seen >= rank)
                return Math.Min(HighestEquivalent(i), MaxMicroseconds);
        }
        return MaxMicroseconds;
    }

    public double PercentileMilliseconds(double percentile) => PercentileMicroseconds(percentile) / 1000.0;

    internal static int IndexOf(long value)
    {
        if (value < Linear)
            return (int)value;
        var msb = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = Math.Min(msb - SubBits, MaxShift);
        var sub = (int)Math.Min(value >> shift, (Half * 2) - 1);
        return Linear + ((shift - 1) * Half) + (sub - Half);
    }

    internal static long LowestEquivalent(int index)
    {
        if (index < Linear)
            return index;
        var k = index - Linear;
        var shift = (k / Half) + 1;
        var sub = (k % Half) + Half;
        return (long)sub << shift;
    }

    internal static long HighestEquivalent(int index) =>
        index < Linear ? index : LowestEquivalent(index) + (1L << (((index - Linear) / Half) + 1)) - 1;
}
