using System.Diagnostics;
using Xunit.Sdk;

namespace RaftRunner.Actors.TestKit;

/// <summary>
/// Assertions about the messages one probe receives. Waits are real time (also under virtual time, where
/// only the actors' clock is virtual). Inside <see cref="Within(TimeSpan, Action)"/> every wait is capped
/// by what is left of the block. Failures name what was expected and list what arrived instead.
/// </summary>
public abstract class TestKitBase
{
    private static readonly TimeSpan DefaultExpectTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan DefaultNoMessageWait = TimeSpan.FromMilliseconds(300);

    private long? _deadline; // Stopwatch timestamp, set inside Within

    // Every kit and probe blocks its thread while it waits for messages: make sure the actors still get threads.
    static TestKitBase() => ThreadPoolFloor.Ensure();

    public abstract ActorSystem Sys { get; }

    /// <summary>The sender of the last message taken by an Expect method.</summary>
    public IActorRef LastSender { get; private set; } = ActorRefs.NoSender;

    /// <summary>The reference whose messages these assertions read.</summary>
    public abstract IActorRef TestActor { get; }

    internal abstract MessageQueue Queue { get; }

    /// <summary>Time left in the enclosing Within block, or <paramref name="fallback"/> outside one.</summary>
    public TimeSpan RemainingOr(TimeSpan fallback) =>
        _deadline is { } d ? Max(Stopwatch.GetElapsedTime(Stopwatch.GetTimestamp(), d), TimeSpan.Zero) : fallback;

    public T ExpectMsg<T>(TimeSpan? timeout = null) => ExpectMsg<T>(static _ => true, timeout, "any");

    public T ExpectMsg<T>(Predicate<T> predicate, TimeSpan? timeout = null) => ExpectMsg(predicate, timeout, "matching the predicate");

    /// <summary>Expects the next message to equal <paramref name="expected"/>.</summary>
    public T ExpectMsg<T>(T expected, TimeSpan? timeout = null) where T : notnull =>
        ExpectMsg<T>(m => Equals(m, expected), timeout, $"equal to {expected}");

    /// <summary>Fails if any message arrives within <paramref name="duration"/> (default 300 ms).</summary>
    public void ExpectNoMsg(TimeSpan? duration = null)
    {
        var wait = Cap(duration ?? DefaultNoMessageWait);
        if (Queue.Take(wait) is { } received)
            Fail($"ExpectNoMsg: expected no message for {Ms(wait)} but got {received}");
    }

    /// <summary>Expects the <see cref="Terminated"/> for <paramref name="target"/>, which must be watched by this probe.</summary>
    public Terminated ExpectTerminated(IActorRef target, TimeSpan? timeout = null) =>
        ExpectMsg<Terminated>(t => t.Actor.Equals(target), timeout, $"for {target.Path}");

    /// <summary>Skips messages until one is a <typeparamref name="T"/> that satisfies <paramref name="isTheOne"/>.</summary>
    public T FishForMessage<T>(Predicate<T> isTheOne, TimeSpan? timeout = null)
    {
        var limit = Cap(timeout ?? DefaultExpectTimeout);
        var start = Stopwatch.GetTimestamp();
        var skipped = new List<ReceivedMessage>();
        while (true)
        {
            var left = limit - Stopwatch.GetElapsedTime(start);
            var received = Queue.Take(left);
            if (received is null)
                Fail($"FishForMessage<{typeof(T).Name}>: no matching message within {Ms(limit)}; skipped: {List(skipped)}");
            if (received!.Message is T typed && isTheOne(typed))
            {
                LastSender = received.Sender;
                return typed;
            }
            skipped.Add(received);
        }
    }

    /// <summary>
    /// Takes messages while <paramref name="filter"/> maps them to a value, stopping at the first it maps to
    /// null (which stays queued), after <paramref name="count"/> messages, when none arrives within
    /// <paramref name="idle"/>, or when <paramref name="max"/> is over.
    /// </summary>
    public IReadOnlyList<T> ReceiveWhile<T>(Func<object, T?> filter, TimeSpan? max = null, TimeSpan? idle = null, int count = int.MaxValue) where T : class
    {
        var limit = Cap(max ?? DefaultExpectTimeout);
        var start = Stopwatch.GetTimestamp();
        var taken = new List<T>();
        while (taken.Count < count)
        {
            var left = limit - Stopwatch.GetElapsedTime(start);
            var wait = idle is { } i && i < left ? i : left;
            if (wait <= TimeSpan.Zero || Queue.Peek(wait) is not { } next || filter(next.Message) is not { } value)
                break;
            Queue.Take(TimeSpan.Zero);
            LastSender = next.Sender;
            taken.Add(value);
        }
        return taken;
    }

    /// <summary>Receives exactly <paramref name="count"/> messages of type <typeparamref name="T"/>.</summary>
    public IReadOnlyList<T> ReceiveN<T>(int count, TimeSpan? timeout = null)
    {
        var limit = Cap(timeout ?? DefaultExpectTimeout);
        var start = Stopwatch.GetTimestamp();
        var result = new List<T>(count);
        while (result.Count < count)
            result.Add(ExpectMsg<T>(static _ => true, limit - Stopwatch.GetElapsedTime(start), $"(message {result.Count + 1} of {count})"));
        return result;
    }

    /// <summary>Runs <paramref name="block"/> and fails unless it finishes within <paramref name="max"/>; waits inside are capped by it.</summary>
    public void Within(TimeSpan max, Action block) => Within(TimeSpan.Zero, max, block);

    public void Within(TimeSpan min, TimeSpan max, Action block)
    {
        ArgumentNullException.ThrowIfNull(block);
        var outer = _deadline;
        var start = Stopwatch.GetTimestamp();
        _deadline = start + (long)(max.TotalSeconds * Stopwatch.Frequency);
        if (outer is { } o && o < _deadline)
            _deadline = o;
        try
        {
            block();
        }
        finally
        {
            _deadline = outer;
        }
        var took = Stopwatch.GetElapsedTime(start);
        if (took > max)
            Fail($"Within: the block took {Ms(took)}, more than the allowed {Ms(max)}");
        if (took < min)
            Fail($"Within: the block took {Ms(took)}, less than the required {Ms(min)}");
    }

    /// <summary>Retries <paramref name="assertion"/> until it passes, rethrowing its last failure after <paramref name="duration"/>.</summary>
    public void AwaitAssert(Action assertion, TimeSpan? duration = null, TimeSpan? interval = null)
    {
        ArgumentNullException.ThrowIfNull(assertion);
        var limit = Cap(duration ?? DefaultExpectTimeout);
        var pause = interval ?? TimeSpan.FromMilliseconds(10);
        var start = Stopwatch.GetTimestamp();
        while (true)
        {
            try
            {
                assertion();
                return;
            }
            catch (Exception) when (Stopwatch.GetElapsedTime(start) < limit)
            {
                Thread.Sleep(pause);
            }
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds, failing after <paramref name="duration"/>.</summary>
    public void AwaitCondition(Func<bool> condition, TimeSpan? duration = null, TimeSpan? interval = null, string? message = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = Cap(duration ?? DefaultExpectTimeout);
        var pause = interval ?? TimeSpan.FromMilliseconds(10);
        var start = Stopwatch.GetTimestamp();
        while (!condition())
        {
            if (Stopwatch.GetElapsedTime(start) >= limit)
                Fail($"AwaitCondition: {message ?? "condition"} did not become true within {Ms(limit)}");
            Thread.Sleep(pause);
        }
    }

    /// <summary>Replies to <see cref="LastSender"/> as this probe.</summary>
    public void Reply(object message) => LastSender.Tell(message, TestActor);

    public void Send(IActorRef target, object message) => target.Tell(message, TestActor);

    /// <summary>Messages received and not yet taken (for diagnostics).</summary>
    public IReadOnlyList<ReceivedMessage> Pending => Queue.Snapshot();

    private T ExpectMsg<T>(Predicate<T> predicate, TimeSpan? timeout, string what)
    {
        var limit = Cap(timeout ?? DefaultExpectTimeout);
        var received = Queue.Take(limit);
        if (received is null)
            Fail($"ExpectMsg<{typeof(T).Name}> {what}: no message within {Ms(limit)}");
        if (received!.Message is not T typed)
            Fail($"ExpectMsg<{typeof(T).Name}> {what}: got {received} instead; still queued: {List(Queue.Snapshot())}");
        else if (!predicate(typed))
            Fail($"ExpectMsg<{typeof(T).Name}> {what}: got {received}, which does not match; still queued: {List(Queue.Snapshot())}");
        LastSender = received.Sender;
        return (T)received.Message;
    }

    private TimeSpan Cap(TimeSpan wait) => _deadline is null ? wait : Min(wait, RemainingOr(wait));

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static string Ms(TimeSpan t) => $"{t.TotalMilliseconds:0} ms";

    private static string List(IReadOnlyCollection<ReceivedMessage> messages) =>
        messages.Count == 0 ? "(none)" : "[" + string.Join("; ", messages.Take(10)) + (messages.Count > 10 ? $"; … {messages.Count - 10} more" : "") + "]";

    private static void Fail(string message) => throw new XunitException(message);
}
