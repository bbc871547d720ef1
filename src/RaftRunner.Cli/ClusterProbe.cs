using System.Globalization;
using System.Net.Sockets;
using RaftRunner.Client;

namespace RaftRunner.Cli;

/// <summary>
/// Whether a cluster hears us at all. zmq-raft's peers (and RaftRunner's, which behave the same) drop a message with
/// the wrong secret without a word, so a wrong <c>--secret</c> looks like a dead cluster to a client, which would
/// retry until its time runs out. Before the real work the tools ask every peer for its log info (any peer
/// answers, leader or not) and give up after a bounded wait with one line that says what to check.
/// </summary>
internal static class ClusterProbe
{
    /// <summary>How long a probe waits for a first answer.</summary>
    public static readonly TimeSpan DefaultWait = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Returns when one of <paramref name="urls"/> answers with <paramref name="secret"/>; otherwise, after
    /// <paramref name="wait"/>, a <see cref="BadArgumentException"/>: "no peer answered with secret …; check --peers
    /// and --secret", saying whether anything listens at those urls at all.
    /// </summary>
    public static async Task RequireAnswerAsync(IReadOnlyList<string> urls, string secret, string secretDescription, TimeSpan wait, CancellationToken ct)
    {
        if (await FirstAnswerAsync(urls, secret, wait, ct).ConfigureAwait(false) is not null)
            return;
        var listening = await ListeningAsync(urls, TimeSpan.FromSeconds(1), ct).ConfigureAwait(false);
        var seconds = wait.TotalSeconds.ToString("0.#", CultureInfo.InvariantCulture);
        var detail = listening.Count == 0
            ? $"nothing accepts connections at {string.Join(", ", urls)}"
            : $"{string.Join(", ", listening)} accept{(listening.Count == 1 ? "s" : "")} connections but stay{(listening.Count == 1 ? "s" : "")} silent, as zmq-raft peers do to a wrong secret";
        throw new BadArgumentException($"no peer answered with {secretDescription} within {seconds} s ({detail}); check --peers and --secret");
    }

    /// <summary>The url of the first peer to answer RequestLogInfo with <paramref name="secret"/> within <paramref name="wait"/>, or null.</summary>
    public static async Task<string?> FirstAnswerAsync(IReadOnlyList<string> urls, string secret, TimeSpan wait, CancellationToken ct)
    {
        // No logger: the probe's own timeouts are expected, and a bad argument must print exactly one line.
        using var client = new RaftClient(urls, new RaftClientOptions { Secret = secret, CallTimeout = wait });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var asks = urls.Select(url => AskAsync(client, url, stop.Token)).ToList();
        string? answered = null;
        try
        {
            while (asks.Count > 0 && answered is null)
            {
                var done = await Task.WhenAny(asks).ConfigureAwait(false);
                asks.Remove(done);
                answered = await done.ConfigureAwait(false);
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await Task.WhenAll(asks).ConfigureAwait(false); // none throws: see AskAsync
        }
        ct.ThrowIfCancellationRequested();
        return answered;
    }

    private static async Task<string?> AskAsync(RaftClient client, string url, CancellationToken ct)
    {
        try
        {
            await client.RequestLogInfoAsync(url, ct).ConfigureAwait(false);
            return url;
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException or ObjectDisposedException)
        {
            return null;
        }
    }

    /// <summary>The urls whose host:port accepts a TCP connection within <paramref name="wait"/>.</summary>
    public static async Task<IReadOnlyList<string>> ListeningAsync(IReadOnlyList<string> urls, TimeSpan wait, CancellationToken ct)
    {
        var checks = urls.Select(async url =>
        {
            if (!Uri.TryCreate(url, UriKind.Absolute, out var uri))
                return null;
            using var tcp = new TcpClient();
            using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
            timer.CancelAfter(wait);
            try
            {
                await tcp.ConnectAsync(uri.Host, uri.Port, timer.Token).ConfigureAwait(false);
                return url;
            }
            catch (Exception e) when (e is SocketException or OperationCanceledException or IOException)
            {
                return null;
            }
        });
        var results = await Task.WhenAll(checks).ConfigureAwait(false);
        ct.ThrowIfCancellationRequested();
        return [.. results.OfType<string>()];
    }
}
