using System.Globalization;
using System.Text;

namespace RaftRunner.Hocon.Parsing;

/// <summary>
/// Turns HOCON text into tokens in one forward pass (no backtracking, so no input can make it loop).
/// Comments are dropped here; the newline that ends them is kept because newlines separate fields.
/// </summary>
internal sealed class HoconTokenizer
{
    // Characters HOCON forbids in unquoted text that do not start a token of their own.
    private const string ReservedCharacters = "`^?!@*&\\";

    // Everything that ends an unquoted run besides whitespace and "//".
    private const string UnquotedTerminators = "$\"{}[]:=,+#`^?!@*&\\";

    private readonly string _text;
    private readonly string? _fileName;
    private int _index;
    private int _line = 1;
    private int _column = 1;

    private HoconTokenizer(string text, string? fileName)
    {
        _text = text;
        _fileName = fileName;
    }

    private bool AtEnd => _index >= _text.Length;

    private SourcePosition Here => new(_fileName, _line, _column);

    public static List<HoconToken> Tokenize(string text, string? fileName)
    {
        var tokenizer = new HoconTokenizer(text, fileName);
        var tokens = new List<HoconToken>();
        if (text.Length > 0 && text[0] == '\uFEFF')
        {
            tokenizer.Advance();
        }

        while (true)
        {
            var token = tokenizer.Next();
            tokens.Add(token);
            if (token.Kind == HoconTokenKind.End)
            {
                return tokens;
            }
        }
    }

    /// <summary>HOCON whitespace: Unicode spaces, the JSON ones, the BOM; a newline is its own token.</summary>
    public static bool IsWhitespace(char c) => c != '\n' && (char.IsWhiteSpace(c) || c == '\uFEFF');

    private HoconToken Next()
    {
        while (true)
        {
            var start = Here;
            if (AtEnd)
            {
                return new HoconToken(HoconTokenKind.End, "", start);
            }

            var c = _text[_index];
            if (c == '#' || (c == '/' && PeekAt(1) == '/'))
            {
                SkipComment();
                continue;
            }

            switch (c)
            {
                case '\n':
                    Advance();
                    return new HoconToken(HoconTokenKind.Newline, "\n", start);
                case '{': return Single(HoconTokenKind.LeftBrace, start);
                case '}': return Single(HoconTokenKind.RightBrace, start);
                case '[': return Single(HoconTokenKind.LeftBracket, start);
                case ']': return Single(HoconTokenKind.RightBracket, start);
                case ',': return Single(HoconTokenKind.Comma, start);
                case '=': return Single(HoconTokenKind.Equals, start);
                case ':': return Single(HoconTokenKind.Colon, start);
                case '+':
                    if (PeekAt(1) != '=')
                    {
                        throw new ConfigurationException("'+' is only allowed as part of '+='; quote the string if it contains '+'", start);
                    }

                    Advance();
                    Advance();
                    return new HoconToken(HoconTokenKind.PlusEquals, "+=", start);
                case '"':
                    return ReadQuoted(start);
                case '$':
                    return ReadSubstitution(start);
            }

            if (IsWhitespace(c))
            {
                return ReadWhitespace(start);
            }

            if (ReservedCharacters.Contains(c, StringComparison.Ordinal))
            {
                throw new ConfigurationException($"character '{c}' is reserved in unquoted text; quote the string", start);
            }

            return ReadUnquoted(start);
        }
    }

    private HoconToken Single(HoconTokenKind kind, SourcePosition start)
    {
        var text = _text[_index].ToString();
        Advance();
        return new HoconToken(kind, text, start);
    }

    private void SkipComment()
    {
        while (!AtEnd && _text[_index] != '\n')
        {
            Advance();
        }
    }

    private HoconToken ReadWhitespace(SourcePosition start)
    {
        var begin = _index;
        while (!AtEnd && IsWhitespace(_text[_index]))
        {
            Advance();
        }

        return new HoconToken(HoconTokenKind.Whitespace, _text[begin.._index], start);
    }

    private HoconToken ReadUnquoted(SourcePosition start)
    {
        var begin = _index;
        while (!AtEnd)
        {
            var c = _text[_index];
            if (c == '\n' || IsWhitespace(c) || UnquotedTerminators.Contains(c, StringComparison.Ordinal)
                || (c == '/' && PeekAt(1) == '/'))
            {
                break;
            }

            Advance();
        }

        return new HoconToken(HoconTokenKind.Unquoted, _text[begin.._index], start);
    }

    private HoconToken ReadQuoted(SourcePosition start)
    {
        if (PeekAt(1) == '"' && PeekAt(2) == '"')
        {
            return ReadTripleQuoted(start);
        }

        Advance();
        var value = new StringBuilder();
        while (true)
        {
            if (AtEnd || _text[_index] == '\n')
            {
                throw new ConfigurationException("unclosed string: a quoted string must end with '\"' on the same line", start);
            }

            var c = _text[_index];
            if (c == '"')
            {
                Advance();
                return new HoconToken(HoconTokenKind.Quoted, value.ToString(), start);
            }

            if (c == '\\')
            {
                value.Append(ReadEscape());
            }
            else
            {
                value.Append(c);
                Advance();
            }
        }
    }

    private char ReadEscape()
    {
        var escapeStart = Here;
        Advance();
        if (AtEnd)
        {
            throw new ConfigurationException("unclosed string: input ends inside an escape sequence", escapeStart);
        }

        var c = _text[_index];
        Advance();
        switch (c)
        {
            case '"': return '"';
            case '\\': return '\\';
            case '/': return '/';
            case 'b': return '\b';
            case 'f': return '\f';
            case 'n': return '\n';
            case 'r': return '\r';
            case 't': return '\t';
            case 'u':
                if (_index + 4 <= _text.Length
                    && ushort.TryParse(_text.AsSpan(_index, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    for (var i = 0; i < 4; i++)
                    {
                        Advance();
                    }

                    return (char)code;
                }

                throw new ConfigurationException("invalid escape: '\\u' must be followed by four hex digits", escapeStart);
            default:
                var shown = c == '\n' ? "\\n" : c.ToString();
                throw new ConfigurationException($"invalid escape sequence '\\{shown}' in quoted string", escapeStart);
        }
    }

    private HoconToken ReadTripleQuoted(SourcePosition start)
    {
        Advance();
        Advance();
        Advance();
        var begin = _index;
        while (!AtEnd)
        {
            if (_text[_index] == '"' && PeekAt(1) == '"' && PeekAt(2) == '"')
            {
                // Quotes beyond the closing three belong to the string: """a""""" is a"" (spec).
                var end = _index;
                while (PeekAt(3) == '"')
                {
                    Advance();
                    end++;
                }

                var value = _text[begin..end];
                Advance();
                Advance();
                Advance();
                return new HoconToken(HoconTokenKind.Quoted, value, start);
            }

            Advance();
        }

        throw new ConfigurationException("unclosed triple-quoted string: missing closing '\"\"\"'", start);
    }

    private HoconToken ReadSubstitution(SourcePosition start)
    {
        if (PeekAt(1) != '{')
        {
            throw new ConfigurationException("'$' must start a substitution like ${path}; quote the string to use a literal '$'", start);
        }

        var begin = _index;
        Advance();
        Advance();
        var optional = false;
        if (!AtEnd && _text[_index] == '?')
        {
            optional = true;
            Advance();
        }

        var pieces = new List<HoconToken>();
        while (true)
        {
            var pieceStart = Here;
            if (AtEnd || _text[_index] == '\n')
            {
                throw new ConfigurationException("unclosed substitution: '${' has no matching '}' on the same line", start);
            }

            var c = _text[_index];
            if (c == '}')
            {
                Advance();
                return new HoconToken(HoconTokenKind.Substitution, _text[begin.._index], start)
                {
                    Optional = optional,
                    PathPieces = pieces,
                };
            }

            HoconToken piece;
            if (c == '"')
            {
                piece = ReadQuoted(pieceStart);
            }
            else if (IsWhitespace(c))
            {
                piece = ReadWhitespace(pieceStart);
            }
            else
            {
                piece = ReadUnquoted(pieceStart);
                if (piece.Text.Length == 0)
                {
                    throw new ConfigurationException($"character '{c}' is not allowed in a substitution path; quote the key", pieceStart);
                }
            }

            pieces.Add(piece);
        }
    }

    private char PeekAt(int offset) => _index + offset < _text.Length ? _text[_index + offset] : '\0';

    private void Advance()
    {
        if (_text[_index] == '\n')
        {
            _line++;
            _column = 1;
        }
        else
        {
            _column++;
        }

        _index++;
    }
}
