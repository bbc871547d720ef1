namespace RaftRunner.Hocon.Parsing;

internal enum HoconTokenKind
{
    End,
    Newline,
    Whitespace,
    LeftBrace,
    RightBrace,
    LeftBracket,
    RightBracket,
    Comma,
    Equals,
    Colon,
    PlusEquals,
    Unquoted,
    Quoted,
    Substitution,
}
