using static RaftRunner.ZeroMq.Tests.Zmq;

namespace RaftRunner.ZeroMq.Tests;

public sealed class CurveTests
{
    [Fact]
    public void Generated_key_pair_is_two_z85_keys_and_the_public_key_derives_from_the_secret()
    {
        var (publicKey, secretKey) = ZmqCurve.GenerateKeyPair();

        Assert.Equal(40, publicKey.Length);
        Assert.Equal(40, secretKey.Length);
        Assert.NotEqual(publicKey, secretKey);
        Assert.Equal(32, ZmqCurve.Z85Decode(publicKey).Length);
        Assert.Equal(publicKey, ZmqCurve.DerivePublicKey(secretKey));
        Assert.NotEqual(publicKey, ZmqCurve.GenerateKeyPair().PublicKey);
    }

    [Fact]
    public void Z85_matches_the_specification_example_and_round_trips()
    {
        byte[] hello = [0x86, 0x4F, 0xD2, 0x6F, 0xB5, 0x59, 0xF7, 0x5B];

        Assert.Equal("HelloWorld", ZmqCurve.Z85Encode(hello));
        Assert.Equal(hello, ZmqCurve.Z85Decode("HelloWorld"));
        Assert.Equal("", ZmqCurve.Z85Encode([]));
        Assert.Throws<ArgumentException>(() => ZmqCurve.Z85Encode([1, 2, 3]));
        Assert.Throws<FormatException>(() => ZmqCurve.Z85Decode("Hell"));
    }

    [Fact]
    public void Client_with_the_server_public_key_talks_to_a_curve_server()
    {
        var server = ZmqCurve.GenerateKeyPair();
        var client = ZmqCurve.GenerateKeyPair();
        using var context = new ZmqContext();
        using var router = Socket(context, ZmqSocketType.Router);
        router.CurveServer = true;
        router.CurveSecretKey = server.SecretKey;
        router.Bind(AnyLoopbackPort);
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.CurveServerKey = server.PublicKey;
        dealer.CurvePublicKey = client.PublicKey;
        dealer.CurveSecretKey = client.SecretKey;
        dealer.Connect(router.LastEndpoint);

        dealer.SendMultipart(Frames("encrypted hello"));
        using var request = Receive(router);
        router.SendMultipart([request[0], Bytes("encrypted reply")]);
        using var reply = Receive(dealer);

        Assert.Equal("encrypted hello", Text(request[1]));
        Assert.Equal(["encrypted reply"], Texts(reply));
    }

    [Fact]
    public void Client_with_a_wrong_server_key_never_gets_through_and_the_server_monitor_sees_the_failed_handshake()
    {
        var server = ZmqCurve.GenerateKeyPair();
        var impostor = ZmqCurve.GenerateKeyPair();
        var client = ZmqCurve.GenerateKeyPair();
        using var context = new ZmqContext();
        using var router = Socket(context, ZmqSocketType.Router);
        using var monitor = new ZmqMonitor(router);
        router.CurveServer = true;
        router.CurveSecretKey = server.SecretKey;
        router.Bind(AnyLoopbackPort);
        using var dealer = Socket(context, ZmqSocketType.Dealer);
        dealer.CurveServerKey = impostor.PublicKey;
        dealer.CurvePublicKey = client.PublicKey;
        dealer.CurveSecretKey = client.SecretKey;
        dealer.Connect(router.LastEndpoint);

        dealer.SendMultipart(Frames("should never arrive"));
        var events = CollectUntil(monitor, ZmqMonitorEvents.HandshakeFailedProtocol);
        router.ReceiveTimeout = TimeSpan.FromMilliseconds(300);

        Assert.Contains(events, e => e.Event == ZmqMonitorEvents.HandshakeFailedProtocol);
        Assert.DoesNotContain(events, e => e.Event == ZmqMonitorEvents.HandshakeSucceeded);
        Assert.False(router.TryReceiveMultipart(out _));
    }

    [Fact]
    public void Binary_keys_are_accepted_and_read_back_as_z85()
    {
        var (publicKey, secretKey) = ZmqCurve.GenerateKeyPair();
        using var context = new ZmqContext();
        using var dealer = context.CreateSocket(ZmqSocketType.Dealer);

        dealer.SetCurveServerKey(ZmqCurve.Z85Decode(publicKey));
        dealer.SetCurvePublicKey(ZmqCurve.Z85Decode(publicKey));
        dealer.SetCurveSecretKey(ZmqCurve.Z85Decode(secretKey));

        Assert.Equal(publicKey, dealer.CurveServerKey);
        Assert.Equal(publicKey, dealer.CurvePublicKey);
        Assert.Equal(secretKey, dealer.CurveSecretKey);
        Assert.Throws<ArgumentException>(() => dealer.SetCurveServerKey(new byte[31]));
        Assert.Throws<ArgumentException>(() => dealer.CurveServerKey = "too short");
    }
}
