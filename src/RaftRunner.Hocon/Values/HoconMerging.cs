namespace RaftRunner.Hocon.Values;

/// <summary>
/// The two kinds of merge HOCON needs. While parsing, a later definition of a key wins, objects merge
/// field by field, and anything whose outcome depends on a substitution is stacked in a
/// <see cref="HoconDelayedMerge"/>. After resolution only plain trees remain and merge without
/// mutating either side, because resolved trees may share subtrees.
/// </summary>
internal static class HoconMerging
{
    /// <summary>Defines <paramref name="key"/> in <paramref name="target"/> as a duplicate key would.</summary>
    public static void Assign(HoconObject target, string key, HoconValue value)
    {
        target.Set(key, target.TryGetValue(key, out var existing) ? Combine(existing, value) : value);
    }

    /// <summary>The value of a key defined as <paramref name="lower"/> and later as <paramref name="upper"/>.</summary>
    public static HoconValue Combine(HoconValue lower, HoconValue upper)
    {
        StackGuard.Ensure(upper.Position);
        if (upper is HoconObject upperObject)
        {
            if (lower is HoconObject lowerObject)
            {
                foreach (var field in upperObject.Fields)
                {
                    Assign(lowerObject, field.Key, field.Value);
                }

                return lowerObject;
            }

            // `a = ${defaults}` then `a { x = 1 }`: only resolution can tell whether they merge.
            return IsDeferred(lower) ? HoconDelayedMerge.Stack(lower, upper) : upper;
        }

        // A substitution may refer to the value it replaces (`path = ${path}":/x"`, `port = ${?PORT}`),
        // so the lower value must survive until resolution.
        return upper.NeedsResolution ? HoconDelayedMerge.Stack(lower, upper) : upper;
    }

    /// <summary>Resolved objects merged deeply into a new object; the upper side wins.</summary>
    public static HoconObject MergeResolved(HoconObject lower, HoconObject upper)
    {
        StackGuard.Ensure(upper.Position);
        var merged = new HoconObject(upper.Position);
        foreach (var field in lower.Fields)
        {
            merged.Set(field.Key, field.Value);
        }

        foreach (var field in upper.Fields)
        {
            if (field.Value is HoconObject upperChild
                && merged.TryGetValue(field.Key, out var existing)
                && existing is HoconObject lowerChild)
            {
                merged.Set(field.Key, MergeResolved(lowerChild, upperChild));
            }
            else
            {
                merged.Set(field.Key, field.Value);
            }
        }

        return merged;
    }

    /// <summary>A copy safe to mutate with <see cref="Assign"/> or the resolver; immutable leaves are shared.</summary>
    public static HoconValue DeepClone(HoconValue value)
    {
        StackGuard.Ensure(value.Position);
        switch (value)
        {
            case HoconObject obj:
                var objectCopy = new HoconObject(obj.Position);
                foreach (var field in obj.Fields)
                {
                    objectCopy.Set(field.Key, DeepClone(field.Value));
                }

                return objectCopy;
            case HoconArray array:
                return new HoconArray(array.Position, array.Elements.Select(DeepClone));
            case HoconConcatenation concatenation:
                return HoconConcatenation.Create([.. concatenation.Pieces.Select(DeepClone)]);
            case HoconDelayedMerge merge:
                return new HoconDelayedMerge([.. merge.Layers.Select(DeepClone)]);
            default:
                return value;
        }
    }

    private static bool IsDeferred(HoconValue value) =>
        value is HoconSubstitution or HoconConcatenation or HoconDelayedMerge;
}
