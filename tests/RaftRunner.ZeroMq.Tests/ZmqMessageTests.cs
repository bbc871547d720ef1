using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class ZmqMessageTests
{
    [Fact]
    public void Frames_keep_their_order_and_content_when_the_buffer_grows()
    {
        using var message = new ZmqMessage();
        var big = Enumerable.Range(0, 10_000).Select(i => (byte)i).ToArray();

        message.Add(Bytes("first"));
        message.Add([]);
        message.Add(big);
        message.Add(Bytes("last"));

        Assert.Equal(4, message.Count);
        Assert.Equal("first", Text(message[0]));
        Assert.Equal(0, message[1].Length);
        Assert.True(message[2].Span.SequenceEqual(big));
        Assert.Equal("last", Text(message[3]));
        Assert.Equal(5 + 10_000 + 4, message.ByteCount);
        Assert.Equal(4, message.Count());
    }

    [Fact]
    public void Clear_and_dispose_empty_the_message_which_stays_usable()
    {
        var message = new ZmqMessage();
        for (var i = 0; i < 20; i++)
            message.Add(Bytes($"frame {i}"));

        message.Clear();
        Assert.Empty(message);
        message.Add(Bytes("again"));
        message.Dispose();
        Assert.Empty(message);
        message.Add(Bytes("after dispose"));

        Assert.Equal(["after dispose"], Texts(message));
        Assert.Throws<ArgumentOutOfRangeException>(() => message[1]);
        message.Dispose();
    }
}
