using System.Diagnostics;
using System.Text;

namespace RaftRunner.Testing;

/// <summary>
/// A process a test starts: output captured, lifetime bounded, killed (with its children) on dispose. Shared by the
/// test projects that start processes (linked from tests/Shared into each).
/// </summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _stdout = new();
    private readonly StringBuilder _stderr = new();

    private ChildProcess(string file, IEnumerable<string> args, string? workingDirectory)
    {
        var info = new ProcessStartInfo(file)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var a in args)
            info.ArgumentList.Add(a);
        _process = new Process { StartInfo = info };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_stdout) _stdout.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string StandardOutput { get { lock (_stdout) return _stdout.ToString(); } }

    public string StandardError { get { lock (_stderr) return _stderr.ToString(); } }

    public bool HasExited => _process.HasExited;

    public static ChildProcess Start(string file, IEnumerable<string> args, string? workingDirectory = null) => new(file, args, workingDirectory);

    /// <summary>Runs to completion within <paramref name="timeout"/> (killed after it).</summary>
    public static (int ExitCode, string StandardOutput, string StandardError) Run(string file, IEnumerable<string> args, TimeSpan timeout)
    {
        using var child = Start(file, args);
        var exited = child._process.WaitForExit(timeout);
        if (exited)
            child._process.WaitForExit(); // flush the asynchronous readers
        return (exited ? child._process.ExitCode : -1, child.StandardOutput, child.StandardError + (exited ? "" : $"\n(killed after {timeout})"));
    }

    /// <summary>Waits until the output contains <paramref name="text"/>; false on timeout or exit.</summary>
    public bool WaitForOutput(string text, TimeSpan timeout)
    {
        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < timeout)
        {
            if (StandardOutput.Contains(text, StringComparison.Ordinal) || StandardError.Contains(text, StringComparison.Ordinal))
                return true;
            if (_process.HasExited)
                return false;
            Thread.Sleep(20);
        }
        return false;
    }

    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
            return false;
        _process.WaitForExit();
        return true;
    }

    public int ExitCode => _process.ExitCode;

    public int Id => _process.Id;

    /// <summary>Sends a POSIX signal (e.g. "TERM") with kill(1).</summary>
    public void Signal(string name)
    {
        if (!_process.HasExited)
            Run("kill", ["-" + name, _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)], TimeSpan.FromSeconds(5));
    }

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(5000);
            }
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}
