namespace RaftRunner.Protocol.Tests.Frames;

public sealed class RequestIdTests
{
    [Fact]
    public void The_first_four_bytes_are_big_endian_seconds_since_the_epoch()
    {
        Assert.True(RequestId.TryParseHex("5956dc8826f27e10dcccab20", out var id));
        Assert.Equal(0x5956dc88u, id.Seconds);
        Assert.Equal(DateTimeOffset.FromUnixTimeSeconds(0x5956dc88), id.Timestamp);
        Assert.Equal("5956dc8826f27e10dcccab20", id.ToHex());
    }

    [Fact]
    public void New_ids_carry_the_time_and_differ_in_their_counter()
    {
        var now = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);
        var a = RequestId.New(now);
        var b = RequestId.New(now);
        Assert.Equal(1_800_000_000u, a.Seconds);
        Assert.NotEqual(a, b);
        Assert.Equal(a.ToArray()[4..9], b.ToArray()[4..9]); // same machine and process
    }

    [Fact]
    public void Expiry_follows_zmq_raft_hasRequestExpired()
    {
        var id = RequestId.New(DateTimeOffset.FromUnixTimeSeconds(1_000_000));
        var ttl = TimeSpan.FromHours(8);
        Assert.False(id.HasExpired(DateTimeOffset.FromUnixTimeSeconds(1_000_000) + ttl, ttl));
        Assert.True(id.HasExpired(DateTimeOffset.FromUnixTimeSeconds(1_000_000) + ttl + TimeSpan.FromMilliseconds(1), ttl));
    }

    [Fact]
    public void Ids_made_by_zmq_raft_read_back_the_same_seconds()
    {
        foreach (var v in Messages.ProtocolVectors.Root.GetProperty("requestIds").EnumerateArray())
        {
            Assert.True(RequestId.TryParseHex(v.GetProperty("hex").GetString()!, out var id));
            Assert.Equal(v.GetProperty("seconds").GetUInt32(), id.Seconds);
            Assert.Equal(v.GetProperty("hex").GetString(), id.ToHex());
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("5956dc8826f27e10dcccab2")]
    [InlineData("5956dc8826f27e10dcccab2z")]
    public void Bad_hex_is_rejected(string hex) => Assert.False(RequestId.TryParseHex(hex, out _));

    [Fact]
    public void Only_12_bytes_make_a_request_id()
    {
        Assert.False(RequestId.TryFromBytes(new byte[11], out _));
        Assert.Throws<ArgumentException>(() => RequestId.FromBytes(new byte[13]));
    }
}
