using System.Text;
using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq;

/// <summary>
/// CURVE key pairs and the Z85 text encoding libzmq uses for keys (40 characters for a 32-byte key).
/// A CURVE server sets <see cref="ZmqSocket.CurveServer"/> and its secret key; a client sets the server's
/// public key plus a key pair of its own.
/// </summary>
public static unsafe class ZmqCurve
{
    /// <summary>A new key pair (zmq_curve_keypair). Throws ENOTSUP when libzmq was built without CURVE.</summary>
    public static (string PublicKey, string SecretKey) GenerateKeyPair()
    {
        ZmqLibrary.EnsureLoaded();
        var publicKey = stackalloc byte[41];
        var secretKey = stackalloc byte[41];
        try
        {
            if (LibZmq.zmq_curve_keypair(publicKey, secretKey) != 0)
                throw ZmqError.Last("zmq_curve_keypair");
            return (Encoding.ASCII.GetString(publicKey, 40), Encoding.ASCII.GetString(secretKey, 40));
        }
        finally
        {
            new Span<byte>(secretKey, 41).Clear();
        }
    }

    /// <summary>The public key that belongs to a Z85 secret key (zmq_curve_public).</summary>
    public static string DerivePublicKey(string secretKeyZ85)
    {
        ArgumentNullException.ThrowIfNull(secretKeyZ85);
        if (secretKeyZ85.Length != 40)
            throw new ArgumentException("A Z85 CURVE key has 40 characters.", nameof(secretKeyZ85));
        ZmqLibrary.EnsureLoaded();
        var publicKey = stackalloc byte[41];
        var secretKey = stackalloc byte[41];
        try
        {
            Encoding.ASCII.GetBytes(secretKeyZ85, new Span<byte>(secretKey, 40));
            secretKey[40] = 0;
            if (LibZmq.zmq_curve_public(publicKey, secretKey) != 0)
                throw ZmqError.Last("zmq_curve_public");
            return Encoding.ASCII.GetString(publicKey, 40);
        }
        finally
        {
            new Span<byte>(secretKey, 41).Clear();
        }
    }

    /// <summary>Z85-encodes <paramref name="data"/>, whose length must be a multiple of 4 (zmq_z85_encode).</summary>
    public static string Z85Encode(ReadOnlySpan<byte> data)
    {
        if (data.Length % 4 != 0)
            throw new ArgumentException($"Z85 encodes whole 4-byte groups; {data.Length} bytes is not a multiple of 4.", nameof(data));
        ZmqLibrary.EnsureLoaded();
        var text = new byte[data.Length / 4 * 5 + 1];
        fixed (byte* source = data)
        fixed (byte* destination = text)
        {
            byte none = 0;
            if (LibZmq.zmq_z85_encode(destination, source == null ? &none : source, (nuint)data.Length) == null)
                throw new ArgumentException("zmq_z85_encode rejected the data.", nameof(data));
        }
        return Encoding.ASCII.GetString(text, 0, text.Length - 1);
    }

    /// <summary>Decodes Z85 text, whose length must be a multiple of 5 (zmq_z85_decode).</summary>
    public static byte[] Z85Decode(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (text.Length % 5 != 0)
            throw new FormatException($"Z85 text comes in 5-character groups; {text.Length} characters is not a multiple of 5.");
        ZmqLibrary.EnsureLoaded();
        var source = new byte[text.Length + 1];
        if (Encoding.ASCII.GetBytes(text, source) != text.Length || text.Any(c => c > 127))
            throw new FormatException("Z85 text is ASCII.");
        var data = new byte[text.Length / 5 * 4];
        fixed (byte* input = source)
        fixed (byte* output = data)
        {
            byte none = 0;
            if (LibZmq.zmq_z85_decode(output == null ? &none : output, input) == null)
                throw new FormatException("The text is not valid Z85.");
        }
        return data;
    }
}
