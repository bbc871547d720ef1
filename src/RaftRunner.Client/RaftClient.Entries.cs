using System.Runtime.CompilerServices;
using RaftRunner.Client.Io;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Client;

// Reading the log: RequestEntries.
public sealed partial class RaftClient
{
    /// <summary>
    /// The log after <paramref name="afterIndex"/> up to the leader's last applied entry, read from the leader
    /// (RequestEntries): the snapshot's chunks first when the leader's log no longer holds the next entry, then the
    /// entries, each with its index. Pipelined as PROTO.md describes — a batch or chunk is acknowledged once the
    /// consumer has taken it, so a slow consumer slows the leader down — and resumed where it stopped at the next
    /// leader after a timeout or a leader change.
    /// </summary>
    /// <exception cref="TimeoutException">no progress within <see cref="RaftClientOptions.CallTimeout"/>.</exception>
    public IAsyncEnumerable<RaftLogItem> ReadEntriesAsync(long afterIndex, CancellationToken ct = default) =>
        ReadEntriesCoreAsync(new EntriesCursor(afterIndex, null), ct);

    /// <summary>As <see cref="ReadEntriesAsync(long, CancellationToken)"/>, stopping at <paramref name="lastIndex"/> (inclusive).</summary>
    public IAsyncEnumerable<RaftLogItem> ReadEntriesAsync(long afterIndex, long lastIndex, CancellationToken ct = default) =>
        ReadEntriesCoreAsync(new EntriesCursor(afterIndex, lastIndex), ct);

    private async IAsyncEnumerable<RaftLogItem> ReadEntriesCoreAsync(EntriesCursor cursor, [EnumeratorCancellation] CancellationToken ct)
    {
        var progress = Deadline.After(_options.CallTimeout);
        var peerTimeout = _options.ResponseTimeout;
        var items = new List<RaftLogItem>();
        while (!cursor.Done)
        {
            BeforeAttempt(progress, $"RequestEntries after {cursor.PrevIndex}", ct);
            var url = await LeaderUrlAsync(progress, ct).ConfigureAwait(false);
            var id = NextId();
            var exchange = _io.Open(url, WireKey.Of(id), cursor.Request(id).Encode(_secret));
            var open = true; // whether the leader may still be streaming under this id
            try
            {
                while (!cursor.Done)
                {
                    var answer = await exchange.ReceiveAsync(progress.Cap(peerTimeout), ct).ConfigureAwait(false);
                    if (answer is null)
                    {
                        NoAnswer("RequestEntries", url, peerTimeout);
                        // zmq-raft's rule: each timeout gives the next peer 500 ms more, up to 2.5 s, so that a big
                        // batch on a slow link does not time out for ever.
                        peerTimeout = TimeSpan.FromTicks(Math.Min(peerTimeout.Ticks + _options.ResponseTimeout.Ticks, _options.ResponseTimeout.Ticks * 5));
                        break;
                    }
                    if (!RequestEntriesResponse.TryDecode(answer, out var response, out var error))
                    {
                        ClientLog.EntriesRestart(_log, url, $"a malformed answer ({error})", cursor.PrevIndex);
                        break;
                    }
                    if (response.Status == RequestEntriesStatus.NotLeader)
                    {
                        open = false;
                        peerTimeout = _options.ResponseTimeout;
                        await NotLeaderAsync("RequestEntries", url, response.LeaderId, progress, ct).ConfigureAwait(false);
                        break;
                    }
                    items.Clear();
                    var step = cursor.Accept(response, items, out var problem);
                    if (step == EntriesStep.Inconsistent)
                    {
                        ClientLog.EntriesRestart(_log, url, problem!, cursor.PrevIndex);
                        break;
                    }
                    progress = Deadline.After(_options.CallTimeout);
                    peerTimeout = _options.ResponseTimeout;
                    open = step != EntriesStep.Finished;
                    foreach (var item in items)
                        yield return item;
                    // Acknowledged only now that the consumer has taken the batch: at most the leader's pipeline
                    // (5 batches, 2 snapshot chunks) waits here unread.
                    if (step == EntriesStep.Continue)
                        exchange.Send(cursor.Request(id).Encode(_secret));
                }
            }
            finally
            {
                // Abandoned (a timeout, a restart, the consumer stopped early): tell the leader to drop the stream
                // rather than keep it for its 5 s TTL. It goes out only if the peer is connected.
                if (open)
                    exchange.Send(cursor.Stop(id).Encode(_secret));
                exchange.Dispose();
            }
        }
    }
}
