namespace RaftRunner.Hocon.Values;

internal enum HoconScalarKind
{
    String,
    Number,
    Boolean,
    Null,

    /// <summary>
    /// Whitespace between two pieces of a value concatenation. It is kept because <c>a = foo bar</c>
    /// means "foo bar", and dropped when the pieces turn out to be lists or objects.
    /// </summary>
    Whitespace,
}
