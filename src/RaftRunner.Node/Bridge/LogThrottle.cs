namespace RaftRunner.Node.Bridge;

/// <summary>
/// Lets at most <c>burst</c> log lines through per <c>window</c>, counting the rest, so a flood of bad
/// messages from the network cannot fill the disk. The first line after a quiet spell says how many were
/// suppressed. Used by one thread (the I/O thread).
/// </summary>
internal sealed class LogThrottle(int burst, TimeSpan window, Func<long>? clockMs = null)
{
    private readonly Func<long> _clockMs = clockMs ?? (static () => Environment.TickCount64);
    private readonly long _windowMs = (long)window.TotalMilliseconds;
    private long _windowStart = long.MinValue;
    private int _inWindow;
    private int _suppressed;

    /// <summary>True when a line may be logged now; <paramref name="suppressed"/> is how many were held back since the last one.</summary>
    public bool TryEnter(out int suppressed)
    {
        var now = _clockMs();
        if (_windowStart == long.MinValue || now - _windowStart >= _windowMs)
        {
            _windowStart = now;
            _inWindow = 0;
        }
        if (_inWindow < burst)
        {
            _inWindow++;
            suppressed = _suppressed;
            _suppressed = 0;
            return true;
        }
        _suppressed++;
        suppressed = 0;
        return false;
    }
}
