using RaftRunner.Hocon.Values;

namespace RaftRunner.Hocon.Resolution;

/// <summary>
/// Substitutions share subtrees, so a few lines can describe a tree of billions of values
/// (<c>a1 = [${a0}, ${a0}]</c>, <c>a2 = [${a1}, ${a1}]</c>, ...). Such a configuration is rejected
/// after resolution, before anything walks it as a tree (rendering, reading lists).
/// </summary>
internal static class TreeLimits
{
    public const int MaxResolvedNesting = 2 * Parsing.HoconParser.MaxNestingDepth;
    public const long MaxExpandedValues = 1_000_000;

    public static void Check(HoconObject root) => Measure(root, 0, []);

    // Returns (values in the subtree counted as a tree, height); memoised per node so shared subtrees
    // are measured once.
    private static (long Size, int Height) Measure(HoconValue value, int level, Dictionary<HoconValue, (long, int)> memo)
    {
        if (value is not (HoconObject or HoconArray))
        {
            return (1, 0);
        }

        if (!memo.TryGetValue(value, out var measured))
        {
            if (level > MaxResolvedNesting)
            {
                throw TooDeep(value.Position);
            }

            StackGuard.Ensure(value.Position);
            long size = 1;
            var height = 0;
            var children = value is HoconObject obj ? obj.Fields.Select(f => f.Value) : ((HoconArray)value).Elements;
            foreach (var child in children)
            {
                var (childSize, childHeight) = Measure(child, level + 1, memo);
                size += childSize;
                height = Math.Max(height, childHeight + 1);
                if (size > MaxExpandedValues)
                {
                    throw new ConfigurationException(
                        $"configuration expands to more than {MaxExpandedValues} values through substitutions", value.Position);
                }
            }

            measured = (size, height);
            memo[value] = measured;
        }

        if (level + measured.Item2 > MaxResolvedNesting)
        {
            throw TooDeep(value.Position);
        }

        return measured;
    }

    private static ConfigurationException TooDeep(SourcePosition position) =>
        new($"configuration nests deeper than {MaxResolvedNesting} levels after substitutions", position);
}
