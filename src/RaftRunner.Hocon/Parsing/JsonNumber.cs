namespace RaftRunner.Hocon.Parsing;

/// <summary>
/// JSON's number grammar, which decides whether unquoted text is a number. Anything else unquoted
/// (007, 5s, 1.2.3, .5) stays a string; getters still convert numeric strings when asked.
/// </summary>
internal static class JsonNumber
{
    public static bool IsValid(string text)
    {
        var i = 0;
        var n = text.Length;
        if (i < n && text[i] == '-')
        {
            i++;
        }

        if (i >= n || !char.IsAsciiDigit(text[i]))
        {
            return false;
        }

        if (text[i] == '0')
        {
            i++;
        }
        else
        {
            i = SkipDigits(text, i);
        }

        if (i < n && text[i] == '.')
        {
            i++;
            if (i >= n || !char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            i = SkipDigits(text, i);
        }

        if (i < n && (text[i] == 'e' || text[i] == 'E'))
        {
            i++;
            if (i < n && (text[i] == '+' || text[i] == '-'))
            {
                i++;
            }

            if (i >= n || !char.IsAsciiDigit(text[i]))
            {
                return false;
            }

            i = SkipDigits(text, i);
        }

        return i == n;
    }

    private static int SkipDigits(string text, int i)
    {
        while (i < text.Length && char.IsAsciiDigit(text[i]))
        {
            i++;
        }

        return i;
    }
}
