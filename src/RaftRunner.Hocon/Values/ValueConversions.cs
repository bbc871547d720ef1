using System.Globalization;
using System.Numerics;
using RaftRunner.Hocon.Units;

namespace RaftRunner.Hocon.Values;

/// <summary>
/// Turns a resolved value into the type a getter promises, the way Typesafe Config does: strings that
/// look like numbers or booleans convert, numbers convert to strings, and anything else is an error
/// naming the setting, what was expected, what was found and where it was written.
/// </summary>
internal static class ValueConversions
{
    public static string ToText(HoconValue value, string path) => value is HoconScalar { Kind: not HoconScalarKind.Null } scalar
        ? scalar.Text
        : throw Mismatch(value, path, "a string");

    public static long ToLong(HoconValue value, string path) =>
        ToWholeNumber(value, path, "an integer", long.MinValue, long.MaxValue, "a 64-bit integer");

    public static int ToInt(HoconValue value, string path) =>
        (int)ToWholeNumber(value, path, "an integer", int.MinValue, int.MaxValue, "a 32-bit integer");

    public static double ToDouble(HoconValue value, string path)
    {
        if (value is HoconScalar { Kind: HoconScalarKind.Number or HoconScalarKind.String } scalar
            && LooksNumeric(scalar.Text)
            && double.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
        {
            if (!double.IsFinite(number))
            {
                throw new ConfigurationException($"{value.Describe()} is out of range for a double", value.Position, path);
            }

            return number;
        }

        throw Mismatch(value, path, "a number");
    }

    public static bool ToBoolean(HoconValue value, string path)
    {
        if (value is HoconScalar { Kind: HoconScalarKind.Boolean or HoconScalarKind.String } scalar)
        {
            switch (scalar.Text)
            {
                case "true" or "yes" or "on":
                    return true;
                case "false" or "no" or "off":
                    return false;
            }
        }

        throw Mismatch(value, path, "a boolean (true/false, yes/no, on/off)");
    }

    public static TimeSpan ToTimeSpan(HoconValue value, string path)
    {
        if (value is HoconScalar { Kind: HoconScalarKind.Number } number
            && decimal.TryParse(number.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var milliseconds))
        {
            return DurationParser.TryFromMilliseconds(milliseconds, out var fromNumber, out var numberError)
                ? fromNumber
                : throw new ConfigurationException($"{numberError}: {value.Describe()}", value.Position, path);
        }

        if (value is HoconScalar { Kind: HoconScalarKind.String } text)
        {
            return DurationParser.TryParse(text.Text, out var duration, out var error)
                ? duration
                : throw new ConfigurationException($"invalid duration {HoconRenderer.Quote(text.Text)}: {error}", value.Position, path);
        }

        throw Mismatch(value, path, "a duration such as 200ms or 5 s");
    }

    public static long ToByteSize(HoconValue value, string path)
    {
        if (value is HoconScalar { Kind: HoconScalarKind.Number } number
            && decimal.TryParse(number.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var count))
        {
            return ByteSizeParser.TryFromBytes(count, out var fromNumber, out var numberError)
                ? fromNumber
                : throw new ConfigurationException($"{numberError}: {value.Describe()}", value.Position, path);
        }

        if (value is HoconScalar { Kind: HoconScalarKind.String } text)
        {
            return ByteSizeParser.TryParse(text.Text, out var bytes, out var error)
                ? bytes
                : throw new ConfigurationException($"invalid size {HoconRenderer.Quote(text.Text)}: {error}", value.Position, path);
        }

        throw Mismatch(value, path, "a size in bytes such as 64KiB or 10 MB");
    }

    public static HoconArray ToList(HoconValue value, string path) =>
        value as HoconArray ?? throw Mismatch(value, path, "a list");

    public static HoconObject ToObject(HoconValue value, string path) =>
        value as HoconObject ?? throw Mismatch(value, path, "an object");

    public static ConfigurationException Mismatch(HoconValue value, string path, string expected) =>
        new($"expected {expected} but found {value.Describe()}", value.Position, path);

    private static long ToWholeNumber(HoconValue value, string path, string expected, long min, long max, string rangeName)
    {
        if (value is not HoconScalar { Kind: HoconScalarKind.Number or HoconScalarKind.String } scalar
            || !LooksNumeric(scalar.Text))
        {
            throw Mismatch(value, path, expected);
        }

        BigInteger whole;
        if (!BigInteger.TryParse(scalar.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out whole))
        {
            // 1e3 and 2.0 are whole numbers written as decimals; 1.5 is not.
            if (!double.TryParse(scalar.Text, NumberStyles.Float, CultureInfo.InvariantCulture, out var real)
                || !double.IsFinite(real))
            {
                throw new ConfigurationException($"{value.Describe()} is out of range for {rangeName}", value.Position, path);
            }

            if (real != Math.Floor(real))
            {
                throw Mismatch(value, path, expected);
            }

            whole = new BigInteger(real);
        }

        if (whole < min || whole > max)
        {
            throw new ConfigurationException($"{value.Describe()} is out of range for {rangeName}", value.Position, path);
        }

        return (long)whole;
    }

    // Only plain decimal notation: double.TryParse alone would also accept "Infinity" and "NaN".
    private static bool LooksNumeric(string text)
    {
        if (text.Length == 0)
        {
            return false;
        }

        var sawDigit = false;
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                sawDigit = true;
            }
            else if (!(c is '.' or 'e' or 'E' || ((c is '-' or '+') && (i == 0 || text[i - 1] is 'e' or 'E'))))
            {
                return false;
            }
        }

        return sawDigit;
    }
}
