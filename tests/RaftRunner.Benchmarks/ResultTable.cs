using System.Globalization;
using System.Runtime.InteropServices;

namespace RaftRunner.Benchmarks;

internal static class ResultTable
{
    public static void Print(IReadOnlyList<BenchmarkResult> results, int rounds)
    {
        Console.WriteLine();
        Console.WriteLine($"RaftRunner benchmarks — {Environment.ProcessorCount} cores, {RuntimeInformation.FrameworkDescription}, {RuntimeInformation.OSDescription}, median of {rounds} rounds (the rounds column says when a benchmark ran fewer)");
        Console.WriteLine();
        Console.WriteLine("| benchmark | rounds | median | min … max | target | met |");
        Console.WriteLine("|---|---:|---:|---:|---|---|");
        foreach (var r in results)
            Console.WriteLine($"| {r.Name} | {r.Rounds.Count} | {Format(r.Median)} {r.Unit} | {Format(r.Min)} … {Format(r.Max)} | {r.Target} | {(r.MeetsTarget ? "yes" : "NO")} |");
        Console.WriteLine();
    }

    private static string Format(double value) => value >= 1000
        ? value.ToString("#,0", CultureInfo.InvariantCulture)
        : value.ToString("0.00", CultureInfo.InvariantCulture);
}
