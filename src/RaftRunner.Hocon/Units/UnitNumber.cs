using System.Globalization;

namespace RaftRunner.Hocon.Units;

/// <summary>
/// Splits "1.5 MiB" or "200ms" into its number and unit. The number is read as a decimal so that
/// fractional sizes and durations convert exactly (0.1 s is 1,000,000 ticks, not 999,999).
/// </summary>
internal static class UnitNumber
{
    public static bool TrySplit(string text, out decimal number, out string unit, out string? error)
    {
        number = 0;
        unit = "";
        var trimmed = text.Trim();
        var end = NumberEnd(trimmed);
        if (end == 0)
        {
            error = "it does not start with a number";
            return false;
        }

        unit = trimmed[end..].TrimStart();
        if (!decimal.TryParse(trimmed.AsSpan(0, end), NumberStyles.Float, CultureInfo.InvariantCulture, out number))
        {
            error = "the number is out of range";
            return false;
        }

        error = null;
        return true;
    }

    // Sign, digits, optional fraction, optional exponent; a trailing "e" without digits is left to
    // the unit ("10e" is ten exbibytes in the byte-size table).
    private static int NumberEnd(string text)
    {
        var i = 0;
        if (i < text.Length && (text[i] == '-' || text[i] == '+'))
        {
            i++;
        }

        var digitsStart = i;
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        var sawDigits = i > digitsStart;
        if (i < text.Length && text[i] == '.')
        {
            var fractionStart = i + 1;
            var j = fractionStart;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                j++;
            }

            if (j > fractionStart || sawDigits)
            {
                sawDigits |= j > fractionStart;
                i = j;
            }
        }

        if (!sawDigits)
        {
            return 0;
        }

        if (i < text.Length && (text[i] == 'e' || text[i] == 'E'))
        {
            var j = i + 1;
            if (j < text.Length && (text[j] == '+' || text[j] == '-'))
            {
                j++;
            }

            var exponentStart = j;
            while (j < text.Length && char.IsAsciiDigit(text[j]))
            {
                j++;
            }

            if (j > exponentStart)
            {
                i = j;
            }
        }

        return i;
    }
}
