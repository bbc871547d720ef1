using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace RaftRunner.Benchmarks;

/// <summary>
/// The disk's raw synchronous-write rate, from <c>dd oflag=dsync</c> with 100-byte blocks: every block is a
/// write plus a data sync, which is the floor a log that syncs each single-entry append can reach.
/// </summary>
internal static partial class DiskRate
{
    public static double? DsyncWritesPerSecond(string directory, int blocks = 2000)
    {
        var file = Path.Combine(directory, $"dd-probe-{Environment.ProcessId}");
        try
        {
            var info = new ProcessStartInfo("dd", ["if=/dev/zero", $"of={file}", "bs=100", $"count={blocks}", "oflag=dsync"])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
                UseShellExecute = false,
            };
            using var dd = Process.Start(info);
            if (dd is null)
                return null;
            var stderr = dd.StandardError.ReadToEnd();
            if (!dd.WaitForExit(120_000) || dd.ExitCode != 0)
                return null;
            // "... copied, 1.23456 s, 162 kB/s"
            var match = Seconds().Match(stderr);
            return match.Success && double.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, out var seconds) && seconds > 0
                ? blocks / seconds
                : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null; // no dd on this platform
        }
        finally
        {
            File.Delete(file);
        }
    }

    [GeneratedRegex(@"copied, ([0-9.]+) s")]
    private static partial Regex Seconds();
}
