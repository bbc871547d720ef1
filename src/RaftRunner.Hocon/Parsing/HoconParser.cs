using RaftRunner.Hocon.Values;

namespace RaftRunner.Hocon.Parsing;

/// <summary>
/// Recursive descent over the token list. Recursion follows the nesting of braces, brackets and dotted
/// keys only, and every level is counted against <see cref="MaxNestingDepth"/>, so hostile input such
/// as 100,000 '[' ends in a ConfigurationException long before the stack is at risk.
/// </summary>
internal sealed partial class HoconParser
{
    public const int MaxNestingDepth = 512;

    private readonly List<HoconToken> _tokens;
    private readonly ParseSession _session;
    private readonly string? _fileName;

    // Set for an included file: its substitutions are rewritten relative to the include site.
    private readonly HoconPath? _substitutionPrefix;
    private int _index;

    private HoconParser(List<HoconToken> tokens, ParseSession session, string? fileName, HoconPath? substitutionPrefix)
    {
        _tokens = tokens;
        _session = session;
        _fileName = fileName;
        _substitutionPrefix = substitutionPrefix is { Count: > 0 } ? substitutionPrefix : null;
    }

    /// <summary>
    /// Parses a document whose root object sits at <paramref name="rootPath"/> (the root itself for a
    /// top-level file, the including object for an include; null when that object is inside a list).
    /// </summary>
    public static HoconObject Parse(string text, string? fileName, ParseSession session, HoconPath? rootPath, int rootDepth)
    {
        var parser = new HoconParser(HoconTokenizer.Tokenize(text, fileName), session, fileName, rootPath);
        return parser.ParseDocument(rootPath, rootDepth);
    }

    private HoconObject ParseDocument(HoconPath? rootPath, int depth)
    {
        SkipWhitespaceAndNewlines();
        var first = Peek();
        if (first.Kind == HoconTokenKind.LeftBracket)
        {
            throw new ConfigurationException("the root of a configuration must be an object, not a list", first.Position);
        }

        if (first.Kind != HoconTokenKind.LeftBrace)
        {
            var root = new HoconObject(new SourcePosition(_fileName, 1, 1));
            ParseFields(root, rootPath, depth, open: null);
            return root;
        }

        var braced = ParseObject(rootPath, depth);
        SkipWhitespaceAndNewlines();
        var trailing = Peek();
        if (trailing.Kind != HoconTokenKind.End)
        {
            throw new ConfigurationException($"unexpected {trailing.Describe()} after the closing '}}' of the root object", trailing.Position);
        }

        return braced;
    }

    private HoconObject ParseObject(HoconPath? path, int depth)
    {
        var open = Advance();
        if (depth > MaxNestingDepth)
        {
            throw TooDeep(open.Position);
        }

        var obj = new HoconObject(open.Position);
        ParseFields(obj, path, depth, open);
        return obj;
    }

    private void ParseFields(HoconObject target, HoconPath? path, int depth, HoconToken? open)
    {
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek();
            switch (token.Kind)
            {
                case HoconTokenKind.End:
                    if (open is not null)
                    {
                        throw new ConfigurationException("unclosed '{': expected '}' before the end of the input", open.Position);
                    }

                    return;
                case HoconTokenKind.RightBrace:
                    if (open is null)
                    {
                        throw new ConfigurationException("unexpected '}' without a matching '{'", token.Position);
                    }

                    Advance();
                    return;
                case HoconTokenKind.Unquoted or HoconTokenKind.Quoted:
                    ParseField(target, path, depth);
                    break;
                case HoconTokenKind.Comma:
                    throw new ConfigurationException("unexpected ',': expected a key", token.Position);
                case HoconTokenKind.Substitution:
                    throw new ConfigurationException("a substitution cannot be used as a key", token.Position);
                default:
                    throw new ConfigurationException($"expected a key but found {token.Describe()}", token.Position);
            }

            SkipWhitespace();
            var after = Peek();
            if (after.Kind == HoconTokenKind.Comma)
            {
                Advance();
            }
            else if (after.Kind is not (HoconTokenKind.Newline or HoconTokenKind.End or HoconTokenKind.RightBrace))
            {
                throw new ConfigurationException($"expected a newline or ',' after a field but found {after.Describe()}", after.Position);
            }
        }
    }

    private void ParseField(HoconObject target, HoconPath? objectPath, int depth)
    {
        if (TryParseInclude(target, objectPath, depth))
        {
            return;
        }

        var keyStart = Peek().Position;
        var key = ParseKey();
        SkipWhitespace();
        var separator = Peek();
        var valueDepth = depth + key.Count;
        if (valueDepth > MaxNestingDepth)
        {
            throw TooDeep(keyStart);
        }

        var fieldPath = objectPath?.Concat(key);
        HoconValue value;
        switch (separator.Kind)
        {
            case HoconTokenKind.Equals or HoconTokenKind.Colon:
                Advance();
                SkipWhitespaceAndNewlines();
                value = RequireValue(fieldPath, valueDepth, key);
                break;
            case HoconTokenKind.PlusEquals:
                Advance();
                SkipWhitespaceAndNewlines();
                var element = RequireValue(fieldPath, valueDepth + 1, key);

                // The spec defines `a += x` as `a = ${?a} [x]`; the path must be absolute for the resolver.
                var previous = new HoconSubstitution(fieldPath ?? key, null, optional: true, separator.Position);
                value = HoconConcatenation.Create([previous, new HoconArray(element.Position, [element])]);
                break;
            case HoconTokenKind.LeftBrace:
                value = RequireValue(fieldPath, valueDepth, key);
                break;
            default:
                throw new ConfigurationException(
                    $"expected '=', ':' or '{{' after key '{key}' but found {separator.Describe()}", separator.Position);
        }

        // `a.b.c = 1` is `a { b { c = 1 } }`, so later definitions of a or a.b merge with it.
        for (var i = key.Count - 1; i > 0; i--)
        {
            var wrapper = new HoconObject(keyStart);
            wrapper.Set(key[i], value);
            value = wrapper;
        }

        HoconMerging.Assign(target, key[0], value);
    }

    private HoconPath ParseKey()
    {
        var start = Peek().Position;
        var pieces = new List<HoconToken>();
        while (Peek().Kind is HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Whitespace)
        {
            pieces.Add(Advance());
        }

        return PathExpression.FromPieces(pieces, start, "key");
    }

    private HoconValue RequireValue(HoconPath? path, int depth, HoconPath key)
    {
        var value = ParseValue(path, depth);
        if (value is null)
        {
            var token = Peek();
            throw new ConfigurationException($"expected a value for '{key}' but found {token.Describe()}", token.Position);
        }

        return value;
    }

    /// <summary>
    /// Reads pieces up to the end of the value (newline, ',', '}', ']' or end of input). Whitespace
    /// between pieces is kept because it is part of a string concatenation.
    /// </summary>
    private HoconValue? ParseValue(HoconPath? path, int depth)
    {
        var pieces = new List<HoconValue>();
        HoconToken? pendingWhitespace = null;
        while (true)
        {
            var token = Peek();
            switch (token.Kind)
            {
                case HoconTokenKind.Whitespace:
                    Advance();
                    if (pieces.Count > 0)
                    {
                        pendingWhitespace = token;
                    }

                    continue;
                case HoconTokenKind.Unquoted or HoconTokenKind.Quoted or HoconTokenKind.Substitution
                    or HoconTokenKind.LeftBrace or HoconTokenKind.LeftBracket:
                    if (pendingWhitespace is not null)
                    {
                        pieces.Add(new HoconScalar(HoconScalarKind.Whitespace, pendingWhitespace.Text, pendingWhitespace.Position));
                        pendingWhitespace = null;
                    }

                    pieces.Add(ParsePiece(path, depth));
                    continue;
                case HoconTokenKind.Equals or HoconTokenKind.Colon or HoconTokenKind.PlusEquals:
                    throw new ConfigurationException(
                        $"unexpected {token.Describe()} in a value; quote the string if '{token.Text}' belongs to it", token.Position);
                default:
                    return pieces.Count switch
                    {
                        0 => null,
                        1 => pieces[0],
                        _ => HoconConcatenation.Create(pieces),
                    };
            }
        }
    }

    private HoconValue ParsePiece(HoconPath? path, int depth)
    {
        var token = Peek();
        switch (token.Kind)
        {
            case HoconTokenKind.LeftBrace:
                return ParseObject(path, depth);
            case HoconTokenKind.LeftBracket:
                return ParseArray(depth);
        }

        Advance();
        switch (token.Kind)
        {
            case HoconTokenKind.Quoted:
                return HoconScalar.String(token.Text, token.Position);
            case HoconTokenKind.Substitution:
                var written = PathExpression.FromPieces(token.PathPieces, token.Position, "substitution");
                return _substitutionPrefix is null
                    ? new HoconSubstitution(written, null, token.Optional, token.Position)
                    : new HoconSubstitution(_substitutionPrefix.Concat(written), written, token.Optional, token.Position);
            default:
                return ClassifyUnquoted(token);
        }
    }

    private static HoconScalar ClassifyUnquoted(HoconToken token)
    {
        var kind = token.Text switch
        {
            "true" or "false" => HoconScalarKind.Boolean,
            "null" => HoconScalarKind.Null,
            _ when JsonNumber.IsValid(token.Text) => HoconScalarKind.Number,
            _ => HoconScalarKind.String,
        };
        return new HoconScalar(kind, token.Text, token.Position);
    }

    private HoconArray ParseArray(int depth)
    {
        var open = Advance();
        if (depth > MaxNestingDepth)
        {
            throw TooDeep(open.Position);
        }

        var array = new HoconArray(open.Position);
        while (true)
        {
            SkipWhitespaceAndNewlines();
            var token = Peek();
            switch (token.Kind)
            {
                case HoconTokenKind.RightBracket:
                    Advance();
                    return array;
                case HoconTokenKind.End:
                    throw new ConfigurationException("unclosed '[': expected ']' before the end of the input", open.Position);
                case HoconTokenKind.Comma:
                    throw new ConfigurationException("unexpected ',': expected a list element", token.Position);
            }

            // Objects inside lists have no path, so `+=` and includes inside them cannot be made absolute.
            var element = ParseValue(null, depth + 1);
            if (element is null)
            {
                var found = Peek();
                throw new ConfigurationException($"expected a list element or ']' but found {found.Describe()}", found.Position);
            }

            array.Add(element);
            SkipWhitespace();
            var after = Peek();
            if (after.Kind == HoconTokenKind.Comma)
            {
                Advance();
            }
            else if (after.Kind is not (HoconTokenKind.Newline or HoconTokenKind.RightBracket or HoconTokenKind.End))
            {
                throw new ConfigurationException($"expected ',' or ']' after a list element but found {after.Describe()}", after.Position);
            }
        }
    }

    private static ConfigurationException TooDeep(SourcePosition position) =>
        new($"nesting is deeper than {MaxNestingDepth} levels", position);

    private HoconToken Peek() => _tokens[_index];

    private HoconToken PeekAt(int offset) => _tokens[Math.Min(_index + offset, _tokens.Count - 1)];

    private HoconToken Advance()
    {
        var token = _tokens[_index];
        if (token.Kind != HoconTokenKind.End)
        {
            _index++;
        }

        return token;
    }

    private void SkipWhitespace()
    {
        while (Peek().Kind == HoconTokenKind.Whitespace)
        {
            Advance();
        }
    }

    private void SkipWhitespaceAndNewlines()
    {
        while (Peek().Kind is HoconTokenKind.Whitespace or HoconTokenKind.Newline)
        {
            Advance();
        }
    }
}
