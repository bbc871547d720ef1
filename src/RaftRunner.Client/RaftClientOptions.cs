using System.Text;
using Microsoft.Extensions.Logging;

namespace RaftRunner.Client;

/// <summary>
/// How a <see cref="RaftClient"/> talks to its cluster. The defaults are zmq-raft's client defaults
/// (SERVER_RESPONSE_TIMEOUT, SERVER_ELECTION_GRACE_DELAY, the subscriber's broadcast timeout).
/// </summary>
public sealed record RaftClientOptions
{
    /// <summary>The cluster ident (zmq-raft's <c>secret</c>), sent in every request and checked on every broadcast; UTF-8.</summary>
    public string Secret { get; init; } = "";

    /// <summary>The cluster ident as raw bytes; when set it wins over <see cref="Secret"/>.</summary>
    public ReadOnlyMemory<byte>? SecretBytes { get; init; }

    /// <summary>How long one peer may take to answer before the request goes to the next peer (zmq-raft: 500 ms).</summary>
    public TimeSpan ResponseTimeout { get; init; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long to let the cluster elect a leader after a peer said it knows none (zmq-raft: 300 ms).</summary>
    public TimeSpan ElectionGraceDelay { get; init; } = TimeSpan.FromMilliseconds(300);

    /// <summary>
    /// The most one call may take over all its retries (for entries streams: the most time without any progress);
    /// <see cref="Timeout.InfiniteTimeSpan"/> retries until the caller's token is cancelled. Subscriptions ignore it.
    /// </summary>
    public TimeSpan CallTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>A subscription that hears nothing from the leader's PUB for this long looks for the leader again (zmq-raft: 1 s).</summary>
    public TimeSpan BroadcastTimeout { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The first wait before a ConfigUpdate answered "busy" (status 3) is sent again; it doubles up to 2 s.</summary>
    public TimeSpan BusyRetryDelay { get; init; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Where the client logs leader changes, timeouts and dropped answers; null for none.</summary>
    public ILogger? Logger { get; init; }

    internal byte[] SecretFrame() => SecretBytes is { } bytes ? bytes.ToArray() : Encoding.UTF8.GetBytes(Secret);

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Secret, nameof(Secret));
        Positive(ResponseTimeout, nameof(ResponseTimeout));
        Positive(BroadcastTimeout, nameof(BroadcastTimeout));
        Positive(BusyRetryDelay, nameof(BusyRetryDelay));
        if (ElectionGraceDelay < TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(nameof(ElectionGraceDelay), ElectionGraceDelay, "must not be negative");
        if (CallTimeout != Timeout.InfiniteTimeSpan)
            Positive(CallTimeout, nameof(CallTimeout));
    }

    private static void Positive(TimeSpan value, string name)
    {
        if (value <= TimeSpan.Zero)
            throw new ArgumentOutOfRangeException(name, value, "must be positive");
    }
}
