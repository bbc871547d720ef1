using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class ErrorTests
{
    [Fact]
    public void Bad_endpoint_throws_a_ZmqException_naming_the_call_the_endpoint_and_the_error()
    {
        using var context = new ZmqContext();
        using var router = context.CreateSocket(ZmqSocketType.Router);

        var badPort = Assert.Throws<ZmqException>(() => router.Bind("tcp://127.0.0.1:notaport"));
        var badTransport = Assert.Throws<ZmqException>(() => router.Connect("carrier-pigeon://127.0.0.1:1"));

        Assert.Equal("zmq_bind(tcp://127.0.0.1:notaport) failed: Invalid argument (EINVAL)", badPort.Message);
        Assert.Equal(ZmqErrorCode.InvalidArgument, badPort.ErrorCode);
        Assert.Equal(ZmqErrorCode.ProtocolNotSupported, badTransport.ErrorCode);
        Assert.StartsWith("zmq_connect(carrier-pigeon://127.0.0.1:1) failed: ", badTransport.Message, StringComparison.Ordinal);
        Assert.EndsWith("(EPROTONOSUPPORT)", badTransport.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Binding_an_address_in_use_reports_EADDRINUSE_with_the_address()
    {
        using var context = new ZmqContext();
        using var first = BoundRouter(context, out var endpoint);
        using var second = context.CreateSocket(ZmqSocketType.Router);

        var error = Assert.Throws<ZmqException>(() => second.Bind(endpoint));

        Assert.Equal(ZmqErrorCode.AddressInUse, error.ErrorCode);
        Assert.Equal($"zmq_bind({endpoint}) failed: Address already in use (EADDRINUSE)", error.Message);
    }

    [Fact]
    public void Invalid_option_value_names_the_option()
    {
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);

        var error = Assert.Throws<ZmqException>(() => dealer.SetRoutingId(new byte[256]));

        Assert.Equal("zmq_setsockopt(ZMQ_ROUTING_ID) failed: Invalid argument (EINVAL)", error.Message);
    }

    [Fact]
    public void Unbinding_an_endpoint_that_was_never_bound_reports_ENOENT()
    {
        using var context = new ZmqContext();
        using var router = context.CreateSocket(ZmqSocketType.Router);

        var error = Assert.Throws<ZmqException>(() => router.Unbind("tcp://127.0.0.1:1"));

        Assert.Equal(ZmqErrorCode.NotFound, error.ErrorCode);
        Assert.Equal("zmq_unbind(tcp://127.0.0.1:1) failed: No such file or directory (ENOENT)", error.Message);
    }
}
