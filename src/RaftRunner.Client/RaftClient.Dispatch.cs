using RaftRunner.Protocol.Frames;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Client;

// Custom requests for the state machine: ClientDispatch.
public sealed partial class RaftClient
{
    /// <summary>
    /// The message type of the ClientDispatch requests this client sends: two bytes, so an application type (PROTO.md
    /// reserves one-byte types for the protocol). RaftRunner nodes hand any such request to the state machine whatever
    /// its type; a zmq-raft state machine sees it as its <c>msgType</c>.
    /// </summary>
    private static readonly ReadOnlyMemory<byte> DispatchType = "rr"u8.ToArray();

    /// <summary>
    /// Sends a custom request to the state machine (PROTO.md's ClientDispatch: <c>[request id, type, secret,
    /// …arguments]</c>) and returns the answer's frames after the request id. On a RaftRunner node
    /// <paramref name="arguments"/>[0] is the query given to the state machine's <c>QueryAsync</c> (e.g.
    /// <c>KeyValueCommands.Get(key)</c>), and the answer is one frame: the state machine's answer, or, when it
    /// failed, the error's text followed by a marker frame.
    /// </summary>
    /// <param name="arguments">the frames after the secret; none is allowed.</param>
    /// <param name="peerUrl">
    /// the peer to ask, whether it leads or not: its state as applied now, which may lag the leader's. Asked again
    /// (with a fresh request id) after each silent <see cref="RaftClientOptions.ResponseTimeout"/> — never another
    /// peer. When null, the leader is asked (found and followed as by <see cref="RequestConfigAsync"/>), and a leader
    /// that does not answer in time is forgotten and the leader looked for again.
    /// </param>
    /// <param name="ct">cancels the call (<see cref="OperationCanceledException"/>).</param>
    /// <returns>the answer's frames after the request id, copied (a RaftRunner node sends one, or two for an error).</returns>
    /// <exception cref="TimeoutException">no answer within <see cref="RaftClientOptions.CallTimeout"/>, over all attempts.</exception>
    /// <remarks>
    /// A request that got no answer in time is sent again, so it may reach the state machine more than once: use it
    /// for queries, and make changes with <see cref="RequestUpdateAsync"/>. A ClientDispatch answer says nothing about
    /// leadership, so without <paramref name="peerUrl"/> the answer comes from the peer the client believes leads;
    /// one that has just lost the lead still answers, from its own state.
    /// </remarks>
    public async Task<IReadOnlyList<ReadOnlyMemory<byte>>> DispatchAsync(
        IReadOnlyList<ReadOnlyMemory<byte>> arguments, string? peerUrl = null, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        if (peerUrl is not null)
            ArgumentException.ThrowIfNullOrWhiteSpace(peerUrl);
        var copy = arguments.ToArray(); // the caller may change its list while we retry
        var deadline = Deadline.After(_options.CallTimeout);
        var what = peerUrl is null ? "ClientDispatch" : $"ClientDispatch to {peerUrl}";
        while (true)
        {
            BeforeAttempt(deadline, what, ct);
            var url = peerUrl ?? await LeaderUrlAsync(deadline, ct).ConfigureAwait(false);
            var id = NextId();
            var frames = new ClientDispatchRequest(FrameCodec.EncodeUInt(id), DispatchType, copy).Encode(_secret);
            var answer = await AskOnceAsync(url, id, frames, deadline, ct).ConfigureAwait(false);
            if (answer is null)
            {
                NoAnswer("ClientDispatch", url, _options.ResponseTimeout);
                continue;
            }
            if (!ClientDispatchResponse.TryDecode(answer, out var response, out var error))
            {
                // Unreachable in practice (an answer is matched by its first frame), kept for symmetry with the rest.
                ClientLog.Malformed(_log, "ClientDispatch", url, error!.ToString());
                await GraceAsync(deadline, ct).ConfigureAwait(false);
                continue;
            }
            return response.Frames;
        }
    }
}
