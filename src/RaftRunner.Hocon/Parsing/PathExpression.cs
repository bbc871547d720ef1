using System.Text;
using RaftRunner.Hocon.Values;

namespace RaftRunner.Hocon.Parsing;

/// <summary>
/// Splits a path expression into keys: dots in unquoted text separate keys, quoted text is taken
/// literally (<c>"a.b".c</c> is two keys), whitespace inside a key is kept. Used for keys, for
/// substitutions and for the paths callers pass to <see cref="Config"/> getters.
/// </summary>
internal static class PathExpression
{
    public static HoconPath FromPieces(IReadOnlyList<HoconToken> pieces, SourcePosition position, string what)
    {
        var first = 0;
        var last = pieces.Count - 1;
        while (first <= last && pieces[first].Kind == HoconTokenKind.Whitespace)
        {
            first++;
        }

        while (last >= first && pieces[last].Kind == HoconTokenKind.Whitespace)
        {
            last--;
        }

        if (first > last)
        {
            throw new ConfigurationException($"empty {what}", position);
        }

        var segments = new List<string>();
        var current = new StringBuilder();
        var hasQuotedText = false;
        for (var i = first; i <= last; i++)
        {
            var piece = pieces[i];
            if (piece.Kind == HoconTokenKind.Quoted)
            {
                current.Append(piece.Text);
                hasQuotedText = true;
                continue;
            }

            foreach (var c in piece.Text)
            {
                if (c == '.')
                {
                    FinishSegment();
                }
                else
                {
                    current.Append(c);
                }
            }
        }

        FinishSegment();
        return HoconPath.Of(segments);

        void FinishSegment()
        {
            if (current.Length == 0 && !hasQuotedText)
            {
                var raw = string.Concat(pieces.Skip(first).Take(last - first + 1)
                    .Select(p => p.Kind == HoconTokenKind.Quoted ? HoconRenderer.Quote(p.Text) : p.Text));
                throw new ConfigurationException(
                    $"invalid {what} '{raw}': a path may not start or end with '.' or contain '..' (quote empty keys as \"\")", position);
            }

            segments.Add(current.ToString());
            current.Clear();
            hasQuotedText = false;
        }
    }

    /// <summary>Parses a path handed to a getter, reporting problems against that path.</summary>
    public static HoconPath ParseApiPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        try
        {
            var tokens = HoconTokenizer.Tokenize(path, null);
            var pieces = new List<HoconToken>();
            foreach (var token in tokens)
            {
                if (token.Kind == HoconTokenKind.End)
                {
                    break;
                }

                if (token.Kind is not (HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Whitespace))
                {
                    throw new ConfigurationException($"{token.Describe()} is not allowed in a path; quote the key", token.Position);
                }

                pieces.Add(token);
            }

            return FromPieces(pieces, new SourcePosition(null, 1, 1), "path");
        }
        catch (ConfigurationException error) when (error.ConfigPath is null)
        {
            throw new ConfigurationException($"invalid path: {error.Reason}", default, path);
        }
    }
}
