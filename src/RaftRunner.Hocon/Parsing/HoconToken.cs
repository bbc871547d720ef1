namespace RaftRunner.Hocon.Parsing;

/// <summary>
/// One token with where it starts. Quoted text is already unescaped. A substitution token carries the
/// pieces of its path expression (quoted, unquoted and whitespace tokens) so that the parser splits
/// paths by the same rules it uses for keys.
/// </summary>
internal sealed class HoconToken
{
    public HoconToken(HoconTokenKind kind, string text, SourcePosition position)
    {
        Kind = kind;
        Text = text;
        Position = position;
    }

    public HoconTokenKind Kind { get; }

    public string Text { get; }

    public SourcePosition Position { get; }

    public bool Optional { get; init; }

    public IReadOnlyList<HoconToken> PathPieces { get; init; } = [];

    /// <summary>How error messages name the token.</summary>
    public string Describe() => Kind switch
    {
        HoconTokenKind.End => "the end of the input",
        HoconTokenKind.Newline => "the end of the line",
        HoconTokenKind.Whitespace => "whitespace",
        HoconTokenKind.Quoted => "quoted string " + Values.HoconRenderer.Quote(Text),
        HoconTokenKind.Unquoted => $"'{Text}'",
        HoconTokenKind.Substitution => "a substitution",
        _ => $"'{Text}'",
    };
}
