using System.Text.Json;
using RaftRunner.Protocol.Messages;

namespace RaftRunner.Protocol.Tests.Messages;

/// <summary>
/// Every RPC form zmq-raft's encoders produce (vectors.json): we decode it to the expected fields, and our
/// encoder gives back the same bytes.
/// </summary>
public sealed class ZmqRaftVectorTests
{
    public static TheoryData<string> AllCases()
    {
        var data = new TheoryData<string>();
        foreach (var c in ProtocolVectors.Cases)
            data.Add(ProtocolVectors.Key(c));
        return data;
    }

    [Theory]
    [MemberData(nameof(AllCases))]
    public void Decodes_zmq_raft_frames_and_encodes_them_back_byte_for_byte(string key)
    {
        var c = ProtocolVectors.Case(key);
        var frames = ProtocolVectors.Frames(c);
        var f = c.GetProperty("fields");
        var secret = ProtocolVectors.Secret;
        ReadOnlyMemory<byte>[] encoded = (c.GetProperty("rpc").GetString(), c.GetProperty("kind").GetString()) switch
        {
            ("RequestVote", "request") => Check<RequestVoteRequest>(RequestVoteRequest.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "messageId"), m.MessageId);
                Assert.Equal(f.GetProperty("candidateId").GetString(), m.CandidateId);
                Assert.Equal(U64(f, "term"), m.Term);
                Assert.Equal(U64(f, "lastLogIndex"), m.LastLogIndex);
                Assert.Equal(U64(f, "lastLogTerm"), m.LastLogTerm);
            }).Encode(secret),
            ("RequestVote", "response") => Check<RequestVoteResponse>(RequestVoteResponse.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "messageId"), m.MessageId);
                Assert.Equal(U64(f, "term"), m.Term);
                Assert.Equal(f.GetProperty("voteGranted").GetBoolean(), m.VoteGranted);
            }).Encode(),
            ("AppendEntries", "request") => Check<AppendEntriesRequest>(AppendEntriesRequest.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "messageId"), m.MessageId);
                Assert.Equal(f.GetProperty("leaderId").GetString(), m.LeaderId);
                Assert.Equal(U64(f, "term"), m.Term);
                Assert.Equal(U64(f, "prevLogIndex"), m.PrevLogIndex);
                Assert.Equal(U64(f, "prevLogTerm"), m.PrevLogTerm);
                Assert.Equal(U64(f, "commitIndex"), m.CommitIndex);
                Assert.Equal(HexList(f, "entries"), m.Entries.Select(e => Convert.ToHexStringLower(e.Raw.Span)));
            }).Encode(secret),
            ("AppendEntries", "response") => Check<AppendEntriesResponse>(AppendEntriesResponse.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "messageId"), m.MessageId);
                Assert.Equal(U64(f, "term"), m.Term);
                Assert.Equal(f.GetProperty("success").GetBoolean(), m.Success);
                Assert.Equal(OptU64(f, "conflictIndex"), m.ConflictIndex);
                Assert.Equal(OptU64(f, "conflictTerm"), m.ConflictTerm);
            }).Encode(),
            ("InstallSnapshot", "request") => Check<InstallSnapshotRequest>(InstallSnapshotRequest.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "messageId"), m.MessageId);
                Assert.Equal(f.GetProperty("leaderId").GetString(), m.LeaderId);
                Assert.Equal(U64(f, "term"), m.Term);
                Assert.Equal(U64(f, "lastIncludedIndex"), m.LastIncludedIndex);
                Assert.Equal(U64(f, "lastIncludedTerm"), m.LastIncludedTerm);
                Assert.Equal(U64(f, "offset"), m.Offset);
                Assert.Equal(U64(f, "totalSize"), m.TotalSize);
                Assert.Equal(f.GetProperty("chunk").GetString(), Convert.ToHexStringLower(m.Chunk.Span));
            }).Encode(secret),
            ("InstallSnapshot", "response") => Check<InstallSnapshotResponse>(InstallSnapshotResponse.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "messageId"), m.MessageId);
                Assert.Equal(U64(f, "term"), m.Term);
                Assert.Equal(OptU64(f, "nextOffset"), m.NextOffset);
            }).Encode(),
            ("RequestConfig", "request") => Check<RequestConfigRequest>(RequestConfigRequest.TryDecode, frames,
                m => Assert.Equal(U32(f, "requestId"), m.RequestId)).Encode(secret),
            ("RequestConfig", "response") => Check<RequestConfigResponse>(RequestConfigResponse.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "requestId"), m.RequestId);
                Assert.Equal(f.GetProperty("isLeader").GetBoolean(), m.IsLeader);
                Assert.Equal(OptString(f, "leaderId"), m.LeaderId);
                Assert.Equal(Peers(f), m.Peers);
            }).Encode(),
            ("RequestLogInfo", "request") => Check<RequestLogInfoRequest>(RequestLogInfoRequest.TryDecode, frames,
                m => Assert.Equal(U32(f, "requestId"), m.RequestId)).Encode(secret),
            ("RequestLogInfo", "response") => Check<RequestLogInfoResponse>(RequestLogInfoResponse.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "requestId"), m.RequestId);
                Assert.Equal(f.GetProperty("isLeader").GetBoolean(), m.IsLeader);
                Assert.Equal(OptString(f, "leaderId"), m.LeaderId);
                Assert.Equal(U64(f, "currentTerm"), m.CurrentTerm);
                Assert.Equal(U64(f, "firstIndex"), m.FirstIndex);
                Assert.Equal(U64(f, "lastApplied"), m.LastApplied);
                Assert.Equal(U64(f, "commitIndex"), m.CommitIndex);
                Assert.Equal(U64(f, "lastIndex"), m.LastIndex);
                Assert.Equal(U64(f, "snapshotSize"), m.SnapshotSize);
                Assert.Equal(U64(f, "pruneIndex"), m.PruneIndex);
            }).Encode(),
            ("RequestUpdate", "request") => Check<RequestUpdateRequest>(RequestUpdateRequest.TryDecode, frames, m =>
            {
                Assert.Equal(f.GetProperty("requestId").GetString(), m.RequestId.ToHex());
                Assert.Equal(f.GetProperty("data").GetString(), Convert.ToHexStringLower(m.Data.Span));
            }).Encode(secret),
            ("RequestUpdate", "response") => Check<RequestUpdateResponse>(RequestUpdateResponse.TryDecode, frames, m =>
            {
                Assert.Equal(f.GetProperty("requestId").GetString(), m.RequestId.ToHex());
                Assert.Equal(f.GetProperty("outcome").GetString(), m.Outcome.ToString());
                Assert.Equal(OptU64(f, "index") ?? 0, m.Index);
                Assert.Equal(OptString(f, "leaderId"), m.LeaderId);
            }).Encode(),
            ("ConfigUpdate", "request") => CheckConfigUpdateRequest(frames, f).Encode(secret),
            ("ConfigUpdate", "response") => Check<ConfigUpdateResponse>(ConfigUpdateResponse.TryDecode, frames, m =>
            {
                Assert.Equal(f.GetProperty("requestId").GetString(), m.RequestId.ToHex());
                Assert.Equal(U64(f, "status"), (ulong)m.Status);
                Assert.Equal(OptU64(f, "index"), m.Index);
                Assert.Equal(OptString(f, "leaderId"), m.LeaderId);
                Assert.Equal(OptString(f, "errorName"), m.ErrorName);
                Assert.Equal(OptString(f, "errorMessage"), m.ErrorMessage);
            }).Encode(),
            ("RequestEntries", "request") => Check<RequestEntriesRequest>(RequestEntriesRequest.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "requestId"), m.RequestId);
                Assert.Equal(U64(f, "prevIndex"), m.PrevIndex);
                Assert.Equal(OptU64(f, "count"), m.Count);
                Assert.Equal(OptU64(f, "snapshotOffset"), m.SnapshotOffset);
            }).Encode(secret),
            ("RequestEntries", "response") => Check<RequestEntriesResponse>(RequestEntriesResponse.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "requestId"), m.RequestId);
                Assert.Equal(U64(f, "status"), (ulong)m.Status);
                Assert.Equal(OptU64(f, "lastIndex"), m.LastIndex);
                if (f.TryGetProperty("leaderId", out _))
                    Assert.Equal(OptString(f, "leaderId"), m.LeaderId);
                if (f.TryGetProperty("entries", out _))
                    Assert.Equal(HexList(f, "entries"), m.Entries.Select(e => Convert.ToHexStringLower(e.Raw.Span)));
                if (f.TryGetProperty("snapshot", out var snapshot))
                {
                    var numbers = snapshot.EnumerateArray().Select(x => x.GetUInt64()).ToArray();
                    Assert.Equal(new SnapshotChunkInfo(numbers[0], numbers[1], numbers[2]), m.Snapshot);
                    Assert.Equal(f.GetProperty("chunk").GetString(), Convert.ToHexStringLower(m.Chunk.Span));
                }
            }).Encode(),
            ("StateBroadcast", _) => CheckBroadcast(frames, f, secret).Encode(secret),
            ("UrlRequest", "request") => CheckUrlRequest(frames, f).Encode(secret),
            ("UrlRequest", "response") => Check<UrlResponse>(UrlResponse.TryDecode, frames, m =>
            {
                Assert.Equal(U32(f, "requestId"), m.RequestId);
                Assert.Equal(OptString(f, "url"), m.Url);
            }).Encode(),
            var other => throw new InvalidOperationException($"no check for {other}"),
        };
        Assert.Equal(ProtocolVectors.Hex(frames), ProtocolVectors.Hex(encoded));
    }

    private delegate bool Decoder<T>(IReadOnlyList<ReadOnlyMemory<byte>> frames, out T value, out ProtocolError? error);

    private static T Check<T>(Decoder<T> decode, ReadOnlyMemory<byte>[] frames, Action<T> assert)
    {
        Assert.True(decode(frames, out var value, out var error), $"decoding failed: {error}");
        assert(value);
        return value;
    }

    private static ConfigUpdateRequest CheckConfigUpdateRequest(ReadOnlyMemory<byte>[] frames, JsonElement f)
    {
        Assert.True(ConfigUpdateRequest.TryDecode(frames, out var m, out _, out var error), $"decoding failed: {error}");
        Assert.Equal(f.GetProperty("requestId").GetString(), m.RequestId.ToHex());
        Assert.Equal(Peers(f), m.Peers);
        return m;
    }

    private static StateBroadcast CheckBroadcast(ReadOnlyMemory<byte>[] frames, JsonElement f, ReadOnlyMemory<byte> secret)
    {
        Assert.True(StateBroadcast.TryDecode(frames, secret.Span, out var m, out var error), $"decoding failed: {error}");
        Assert.Equal(U64(f, "term"), m.Term);
        Assert.Equal(U64(f, "lastIndex"), m.LastIndex);
        Assert.Equal(HexList(f, "entries"), m.Entries.Select(e => Convert.ToHexStringLower(e.Raw.Span)));
        return m;
    }

    private static UrlRequest CheckUrlRequest(ReadOnlyMemory<byte>[] frames, JsonElement f)
    {
        var type = (byte)f.GetProperty("type").GetString()![0];
        Assert.True(UrlRequest.TryDecode(frames, type, out var m, out var error), $"decoding failed: {error}");
        Assert.Equal(U32(f, "requestId"), m.RequestId);
        return m;
    }

    private static ulong U64(JsonElement f, string name) => f.GetProperty(name).GetUInt64();

    private static uint U32(JsonElement f, string name) => f.GetProperty(name).GetUInt32();

    private static ulong? OptU64(JsonElement f, string name) =>
        f.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.Number ? v.GetUInt64() : null;

    private static string? OptString(JsonElement f, string name) =>
        f.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    private static IEnumerable<string> HexList(JsonElement f, string name) => f.GetProperty(name).EnumerateArray().Select(e => e.GetString()!);

    private static PeerInfo[] Peers(JsonElement f) => f.GetProperty("peers").EnumerateArray()
        .Select(p => new PeerInfo(p[0].GetString()!, p[1].GetString()!)).ToArray();
}
