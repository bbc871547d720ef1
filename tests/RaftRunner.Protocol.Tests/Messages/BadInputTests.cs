using RaftRunner.Protocol.Messages;

namespace RaftRunner.Protocol.Tests.Messages;

/// <summary>The bad inputs the issue names: each is a ProtocolError that says which frame and why.</summary>
public sealed class BadInputTests
{
    private static readonly ReadOnlyMemory<byte> Secret = "s"u8.ToArray();

    /// <summary>A valid AppendEntries header followed by raw (possibly invalid) entry frames.</summary>
    private static ReadOnlyMemory<byte>[] AppendEntriesWith(params ReadOnlyMemory<byte>[] entries) =>
        [.. new AppendEntriesRequest(1, "id1", 2, 3, 1, 3, []).Encode(Secret), .. entries];

    [Fact]
    public void Too_few_frames_names_the_count()
    {
        var frames = new RequestVoteRequest(1, "c", 1, 1, 1).Encode(Secret)[..5];
        Assert.False(RequestVoteRequest.TryDecode(frames, out _, out var error));
        Assert.Equal(0, error!.Frame);
        Assert.Contains("expected at least 7 frames but got 5", error.ToString());
    }

    [Fact]
    public void An_empty_required_uint_names_its_frame()
    {
        var frames = new RequestVoteRequest(1, "c", 1, 1, 1).Encode(Secret);
        frames[4] = ReadOnlyMemory<byte>.Empty;
        Assert.False(RequestVoteRequest.TryDecode(frames, out _, out var error));
        Assert.Equal(5, error!.Frame);
        Assert.Equal("RequestVote request frame 5: empty frame where an unsigned integer is required", error.ToString());
    }

    [Fact]
    public void A_uint_beyond_2_pow_53_is_an_error_not_a_crash()
    {
        var frames = new AppendEntriesRequest(1, "l", 1, 1, 1, 1, []).Encode(Secret);
        frames[4] = new byte[] { 0, 0, 0, 0, 0, 0, 0x40 };
        Assert.False(AppendEntriesRequest.TryDecode(frames, out _, out var error));
        Assert.Equal(5, error!.Frame);
        Assert.Contains("2^53", error.Reason);
    }

    [Fact]
    public void A_truncated_entry_names_its_frame()
    {
        var frames = AppendEntriesWith(LogEntry.Checkpoint(1).Raw, new byte[19]);
        Assert.False(AppendEntriesRequest.TryDecode(frames, out _, out var error));
        Assert.Equal(10, error!.Frame);
        Assert.Contains("shorter than its 20-byte header", error.Reason);
    }

    [Fact]
    public void An_unknown_entry_type_is_an_error()
    {
        var raw = LogEntry.Checkpoint(1).Raw.ToArray();
        raw[12] = 9;
        Assert.False(AppendEntriesRequest.TryDecode(AppendEntriesWith(raw), out _, out var error));
        Assert.Contains("unknown log entry type 9", error!.Reason);
    }

    [Fact]
    public void A_wrong_message_type_is_named()
    {
        var frames = new RequestVoteRequest(1, "c", 1, 1, 1).Encode(Secret);
        Assert.False(AppendEntriesRequest.TryDecode([.. frames, frames[0]], out _, out var error));
        Assert.Contains("expected message type '+' but got '?'", error!.Reason);
    }

    [Fact]
    public void A_peer_message_id_longer_than_3_bytes_is_rejected_as_zmq_raft_does()
    {
        var frames = new RequestVoteRequest(1, "c", 1, 1, 1).Encode(Secret);
        frames[0] = new byte[] { 1, 0, 0, 0 };
        Assert.False(RequestVoteRequest.TryDecode(frames, out _, out var error));
        Assert.Contains("1 to 3 bytes", error!.Reason);
    }

    [Fact]
    public void A_request_id_of_the_wrong_length_is_an_error()
    {
        ReadOnlyMemory<byte>[] frames = [new byte[11], new[] { MessageTypes.RequestUpdate }, Secret, "x"u8.ToArray()];
        Assert.False(RequestUpdateRequest.TryDecode(frames, out _, out var error));
        Assert.Contains("request id must be 12 bytes, got 11", error!.Reason);
    }

    [Fact]
    public void Invalid_MessagePack_in_a_json_frame_is_an_error()
    {
        ReadOnlyMemory<byte>[] frames = [new byte[] { 1 }, new byte[] { 1 }, new byte[] { 0xdb, 0xff, 0xff, 0xff, 0xff }];
        Assert.False(RequestConfigResponse.TryDecode(frames, out _, out var error));
        Assert.Equal(3, error!.Frame);
        Assert.Contains("invalid MessagePack", error.Reason);
    }

    [Fact]
    public void MessagePack_nested_10000_deep_or_claiming_4_GB_is_a_protocol_error()
    {
        var deep = Enumerable.Repeat((byte)0x91, 10_000).Append((byte)0xc0).ToArray();
        ReadOnlyMemory<byte>[] frames = [new byte[] { 1 }, new byte[] { 1 }, deep];
        Assert.False(RequestConfigResponse.TryDecode(frames, out _, out var error));
        Assert.Equal(3, error!.Frame);
        frames[2] = new byte[] { 0xdb, 0xff, 0xff, 0xff, 0xff, (byte)'a' }; // str32 claiming 4 GB
        Assert.False(RequestConfigResponse.TryDecode(frames, out _, out error));
        Assert.Equal(3, error!.Frame);
    }

    [Fact]
    public void A_snapshot_chunk_running_past_the_total_size_is_an_error()
    {
        var frames = new InstallSnapshotRequest(1, "l", 1, 1, 1, 8, 10, new byte[5]).Encode(Secret);
        Assert.False(InstallSnapshotRequest.TryDecode(frames, out _, out var error));
        Assert.Contains("runs past the snapshot size", error!.Reason);
    }

    [Fact]
    public void A_broadcast_with_another_clusters_ident_is_rejected()
    {
        var frames = new StateBroadcast(1, 1, []).Encode("other"u8.ToArray());
        Assert.False(StateBroadcast.TryDecode(frames, Secret.Span, out _, out var error));
        Assert.Contains("cluster ident", error!.Reason);
    }

    [Fact]
    public void Unknown_response_statuses_are_errors()
    {
        ReadOnlyMemory<byte>[] frames = [new byte[] { 1 }, new byte[] { 9 }, new byte[] { 0xc0 }];
        Assert.False(RequestEntriesResponse.TryDecode(frames, out _, out var error));
        Assert.Contains("unknown status 9", error!.Reason);
    }
}
