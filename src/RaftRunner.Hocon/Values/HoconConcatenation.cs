using System.Text;

namespace RaftRunner.Hocon.Values;

/// <summary>
/// Values written side by side: <c>foo bar</c>, <c>"tcp://"${host}":"${port}</c>, <c>[1] [2]</c>,
/// <c>${defaults} { port = 1 }</c>. Only kept in the tree while a piece holds a substitution; otherwise
/// the parser joins the pieces immediately.
/// </summary>
internal sealed class HoconConcatenation : HoconValue
{
    // Substitutions can double a value per line ("a1 = ${a0}${a0}"); caps keep that from eating memory.
    public const int MaxStringLength = 1 << 20;
    public const int MaxListLength = 1 << 20;

    private HoconConcatenation(IReadOnlyList<HoconValue> pieces)
        : base(pieces[0].Position)
    {
        Pieces = pieces;
    }

    public IReadOnlyList<HoconValue> Pieces { get; }

    public override bool NeedsResolution => true;

    /// <summary>Builds the concatenation the parser found, joining it at once when nothing is deferred.</summary>
    public static HoconValue Create(IReadOnlyList<HoconValue> pieces)
    {
        foreach (var piece in pieces)
        {
            if (piece.NeedsResolution)
            {
                return new HoconConcatenation(pieces);
            }
        }

        return Join(pieces, pieces[0].Position)
            ?? throw new InvalidOperationException("the parser never builds a concatenation of whitespace only");
    }

    /// <summary>
    /// Joins resolved pieces (undefined optional substitutions already dropped) by the spec's rules:
    /// all lists → one list, all objects → merged object, all simple values → one string; mixing kinds
    /// is an error. Returns null when nothing but whitespace is left, which makes the field undefined.
    /// </summary>
    public static HoconValue? Join(IReadOnlyList<HoconValue> pieces, SourcePosition position)
    {
        var substantive = pieces.Where(p => p is not HoconScalar { Kind: HoconScalarKind.Whitespace }).ToList();
        if (substantive.Count == 0)
        {
            return null;
        }

        if (pieces.Count == 1)
        {
            return pieces[0];
        }

        var first = substantive[0];
        var container = substantive.FirstOrDefault(p => p is HoconArray or HoconObject);
        if (container is not null)
        {
            foreach (var piece in substantive)
            {
                if (piece.GetType() != container.GetType())
                {
                    // Reported where the concatenation is written: a piece may come from a substitution elsewhere.
                    throw new ConfigurationException(
                        $"cannot concatenate {container.Describe()} with {piece.Describe()}", position);
                }
            }

            return container is HoconArray ? JoinLists(substantive, first.Position) : JoinObjects(substantive);
        }

        var text = new StringBuilder();
        foreach (var piece in pieces)
        {
            text.Append(((HoconScalar)piece).Text);
            if (text.Length > MaxStringLength)
            {
                throw new ConfigurationException(
                    $"concatenated string is longer than {MaxStringLength} characters", position);
            }
        }

        return HoconScalar.String(text.ToString(), position);
    }

    private static HoconArray JoinLists(List<HoconValue> lists, SourcePosition position)
    {
        var joined = new HoconArray(position);
        foreach (var list in lists.Cast<HoconArray>())
        {
            if (joined.Elements.Count + list.Elements.Count > MaxListLength)
            {
                throw new ConfigurationException(
                    $"concatenated list has more than {MaxListLength} elements", list.Position);
            }

            foreach (var element in list.Elements)
            {
                joined.Add(element);
            }
        }

        return joined;
    }

    private static HoconObject JoinObjects(List<HoconValue> objects)
    {
        var merged = (HoconObject)objects[0];
        foreach (var next in objects.Skip(1).Cast<HoconObject>())
        {
            merged = HoconMerging.MergeResolved(merged, next);
        }

        return merged;
    }

    public override string Describe() => "an unresolved concatenation";
}
