namespace RaftRunner.Hocon.Values;

/// <summary>
/// A node of the configuration tree. Every node keeps the place it was written so that a type error
/// found long after parsing can still point at file:line:column.
/// </summary>
internal abstract class HoconValue
{
    protected HoconValue(SourcePosition position)
    {
        Position = position;
    }

    public SourcePosition Position { get; }

    /// <summary>
    /// True while the node (or anything below it) still holds a substitution, i.e. its final value is
    /// only known once the whole document has been merged.
    /// </summary>
    public abstract bool NeedsResolution { get; }

    /// <summary>How error messages name the value: <c>string "abc"</c>, <c>an object</c>.</summary>
    public abstract string Describe();
}
