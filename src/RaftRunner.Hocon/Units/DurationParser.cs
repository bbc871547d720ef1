namespace RaftRunner.Hocon.Units;

/// <summary>
/// Durations in the HOCON spec's format: a number, optional whitespace, and a unit (ns, us, ms, s, m,
/// h, d or their long forms). A number without a unit means milliseconds, as in Akka and zmq-raft.
/// </summary>
internal static class DurationParser
{
    public const string UnitList = "ns, us, ms, s, m, h, d (or nanoseconds, microseconds, milliseconds, seconds, minutes, hours, days)";

    private static readonly Dictionary<string, decimal> TicksPerUnit = BuildUnits();

    public static bool TryParse(string text, out TimeSpan duration, out string? error)
    {
        duration = default;
        if (!UnitNumber.TrySplit(text, out var number, out var unit, out error))
        {
            return false;
        }

        if (!TicksPerUnit.TryGetValue(unit.Length == 0 ? "ms" : unit, out var ticksPerUnit))
        {
            error = $"unknown duration unit '{unit}' (expected {UnitList})";
            return false;
        }

        return TryFromTicks(number, ticksPerUnit, out duration, out error);
    }

    /// <summary>A bare number (from a numeric value) read as milliseconds.</summary>
    public static bool TryFromMilliseconds(decimal milliseconds, out TimeSpan duration, out string? error) =>
        TryFromTicks(milliseconds, TimeSpan.TicksPerMillisecond, out duration, out error);

    private static bool TryFromTicks(decimal number, decimal ticksPerUnit, out TimeSpan duration, out string? error)
    {
        duration = default;
        decimal ticks;
        try
        {
            ticks = decimal.Round(number * ticksPerUnit, MidpointRounding.AwayFromZero);
        }
        catch (OverflowException)
        {
            error = "the duration is out of range";
            return false;
        }

        if (ticks > TimeSpan.MaxValue.Ticks || ticks < TimeSpan.MinValue.Ticks)
        {
            error = "the duration is out of range";
            return false;
        }

        duration = TimeSpan.FromTicks((long)ticks);
        error = null;
        return true;
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal);
        Add(0.01m, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
        Add(10m, "us", "µs", "micro", "micros", "microsecond", "microseconds");
        Add(TimeSpan.TicksPerMillisecond, "ms", "milli", "millis", "millisecond", "milliseconds");
        Add(TimeSpan.TicksPerSecond, "s", "second", "seconds");
        Add(TimeSpan.TicksPerMinute, "m", "minute", "minutes");
        Add(TimeSpan.TicksPerHour, "h", "hour", "hours");
        Add(TimeSpan.TicksPerDay, "d", "day", "days");
        return units;

        void Add(decimal ticks, params string[] names)
        {
            foreach (var name in names)
            {
                units.Add(name, ticks);
            }
        }
    }
}
