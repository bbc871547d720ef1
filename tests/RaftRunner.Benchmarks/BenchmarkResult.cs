namespace RaftRunner.Benchmarks;

/// <summary>One benchmark's measured rounds, in the unit it reports, and the target it is held to.</summary>
internal sealed record BenchmarkResult(string Name, string Unit, IReadOnlyList<double> Rounds, string Target, bool HigherIsBetter, double TargetValue)
{
    public double Median => Percentile(0.5);

    public double Min => Rounds.Min();

    public double Max => Rounds.Max();

    public bool MeetsTarget => HigherIsBetter ? Median >= TargetValue : Median <= TargetValue;

    private double Percentile(double p)
    {
        var sorted = Rounds.OrderBy(x => x).ToArray();
        return sorted[(int)Math.Round(p * (sorted.Length - 1))];
    }
}
