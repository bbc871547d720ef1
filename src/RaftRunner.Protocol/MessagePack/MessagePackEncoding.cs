namespace RaftRunner.Protocol.MessagePack;

/// <summary>How <see cref="MessagePackCodec.Encode(MessagePackValue, MessagePackEncoding)"/> chooses formats.</summary>
public enum MessagePackEncoding
{
    /// <summary>
    /// The default: byte-identical to msgpack-lite 0.1.26's <c>encode</c> with default options (what zmq-raft
    /// sends), treating every number as a JavaScript number whatever its <see cref="MessagePackKind"/>:
    /// an integral value in [-2^31, 2^31) gets the smallest of positive/negative fixint, uint8/16/32 and
    /// int8/16/32 (so a <see cref="MessagePackKind.Float"/> 3.0 or -0.0 is written as an integer); any
    /// other number is written as float64 (0xcb, NaN as 0x7ff8000000000000). Integers whose magnitude
    /// is not exactly representable as a double (beyond 2^53) are the one departure: they are written as
    /// uint64 (0xcf) / int64 (0xd3) so that no precision is lost; msgpack-lite reads those as the same
    /// nearest double it would have read from a float64. Strings use fixstr/str8/str16/str32, binaries
    /// use bin8 only below 255 bytes (a 255-byte binary is bin16, as in msgpack-lite), arrays and maps
    /// fix/16/32 forms.
    /// </summary>
    MsgpackLite = 0,

    /// <summary>
    /// Compact standard MessagePack that preserves kinds: <see cref="MessagePackKind.Integer"/> values
    /// use the smallest integer format including uint64/int64, <see cref="MessagePackKind.Float"/> values
    /// are always float64 (bits as they are; no float32 narrowing), bin8 covers up to 255 bytes. Decoding
    /// the output gives back the same kinds and exact values.
    /// </summary>
    Standard = 1,
}
