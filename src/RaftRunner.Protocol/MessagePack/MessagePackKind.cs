namespace RaftRunner.Protocol.MessagePack;

/// <summary>The kind of a <see cref="MessagePackValue"/>: the MessagePack type families without extensions.</summary>
public enum MessagePackKind
{
    /// <summary>nil (0xc0); JavaScript <c>null</c> and <c>undefined</c>.</summary>
    Nil,

    /// <summary>false (0xc2) or true (0xc3).</summary>
    Boolean,

    /// <summary>An integer read from, or to be written as, an integer format (fixint, uint8-64, int8-64).</summary>
    Integer,

    /// <summary>A float read from float32/float64, or a double to be written as one.</summary>
    Float,

    /// <summary>A UTF-8 string (fixstr, str8/16/32).</summary>
    String,

    /// <summary>A byte string (bin8/16/32); a Node.js <c>Buffer</c>.</summary>
    Binary,

    /// <summary>An array (fixarray, array16/32).</summary>
    Array,

    /// <summary>A map (fixmap, map16/32); a JavaScript object. Entries keep their order; keys may repeat.</summary>
    Map,
}
