namespace RaftRunner.Hocon.Values;

/// <summary>
/// Several definitions of one field that cannot be merged while parsing because at least one of them
/// holds a substitution: <c>port = 8041</c> then <c>port = ${?PORT}</c>, or <c>path = ${path}":/x"</c>.
/// Layers are in document order (last wins); the resolver folds them bottom-up, which is also what
/// lets a self-referential layer see the value below it.
/// </summary>
internal sealed class HoconDelayedMerge : HoconValue
{
    public HoconDelayedMerge(IReadOnlyList<HoconValue> layers)
        : base(layers[^1].Position)
    {
        Layers = layers;
    }

    public IReadOnlyList<HoconValue> Layers { get; }

    public override bool NeedsResolution => true;

    public static HoconDelayedMerge Stack(HoconValue lower, HoconValue upper)
    {
        var layers = lower is HoconDelayedMerge merge ? new List<HoconValue>(merge.Layers) : [lower];
        layers.Add(upper);
        return new HoconDelayedMerge(layers);
    }

    public override string Describe() => "an unresolved merge";
}
