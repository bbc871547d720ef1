namespace RaftRunner.Hocon.Units;

/// <summary>
/// Sizes in bytes per the HOCON spec: "kB"/"MB"/... are powers of ten, "KiB"/"MiB"/... and the single
/// letters "K"/"M"/... are powers of two. A number without a unit is bytes.
/// </summary>
/// <remarks>"KB" is not in the spec; it is accepted as 1000 to match kB, MB, GB (every "xB" is decimal).</remarks>
internal static class ByteSizeParser
{
    public const string UnitList = "B, kB/KB, K/KiB, MB, M/MiB, GB, G/GiB, TB, T/TiB, PB, P/PiB, EB, E/EiB";

    private static readonly Dictionary<string, decimal> BytesPerUnit = BuildUnits();

    public static bool TryParse(string text, out long bytes, out string? error)
    {
        bytes = 0;
        if (!UnitNumber.TrySplit(text, out var number, out var unit, out error))
        {
            return false;
        }

        if (!BytesPerUnit.TryGetValue(unit, out var multiplier))
        {
            error = $"unknown size unit '{unit}' (expected {UnitList})";
            return false;
        }

        return TryScale(number, multiplier, out bytes, out error);
    }

    public static bool TryFromBytes(decimal number, out long bytes, out string? error) => TryScale(number, 1, out bytes, out error);

    private static bool TryScale(decimal number, decimal multiplier, out long bytes, out string? error)
    {
        bytes = 0;
        decimal scaled;
        try
        {
            // A fraction of a byte has no meaning; "1.5 KiB" is exact, "0.5 B" truncates to 0.
            scaled = decimal.Truncate(number * multiplier);
        }
        catch (OverflowException)
        {
            error = "the size is out of range for a 64-bit byte count";
            return false;
        }

        if (scaled > long.MaxValue || scaled < long.MinValue)
        {
            error = "the size is out of range for a 64-bit byte count";
            return false;
        }

        bytes = (long)scaled;
        error = null;
        return true;
    }

    private static Dictionary<string, decimal> BuildUnits()
    {
        var units = new Dictionary<string, decimal>(StringComparer.Ordinal);
        Add(1m, "", "B", "b", "byte", "bytes");
        string[] decimalNames = ["kilo", "mega", "giga", "tera", "peta", "exa"];
        string[] binaryNames = ["kibi", "mebi", "gibi", "tebi", "pebi", "exbi"];
        const string letters = "KMGTPE";
        decimal power10 = 1;
        decimal power2 = 1;
        for (var i = 0; i < letters.Length; i++)
        {
            power10 *= 1000;
            power2 *= 1024;
            var upper = letters[i].ToString();
            var lower = upper.ToLowerInvariant();

            // Kilo is lower-case in SI ("kB"); the rest are upper-case ("MB").
            var decimalSymbol = i == 0 ? "kB" : upper + "B";
            Add(power10, decimalSymbol, decimalNames[i] + "byte", decimalNames[i] + "bytes");
            if (i == 0)
            {
                Add(power10, "KB");
            }

            Add(power2, upper, lower, upper + "i", upper + "iB", binaryNames[i] + "byte", binaryNames[i] + "bytes");
        }

        return units;

        void Add(decimal bytes, params string[] names)
        {
            foreach (var name in names)
            {
                units.Add(name, bytes);
            }
        }
    }
}
