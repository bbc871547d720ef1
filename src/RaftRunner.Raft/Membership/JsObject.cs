using System.Text;
using RaftRunner.Protocol.MessagePack;

namespace RaftRunner.Raft.Membership;

/// <summary>Property lookup on the object msgpack-lite makes of a map (<c>obj[String(key)] = value</c>).</summary>
internal static class JsObject
{
    /// <summary>The value of <paramref name="name"/> on the object or its prototype chain; null for undefined.</summary>
    public static MessagePackValue? Get(MessagePackValue obj, string name)
    {
        // Arrays and Buffers have no "id" or "url" property anywhere on their prototype chains.
        if (obj.Kind != MessagePackKind.Map)
            return null;
        var (own, prototype) = Read(obj, name);
        return own ?? (prototype is { Kind: MessagePackKind.Map } ? Get(prototype, name) : null);
    }

    /// <summary>
    /// Replays the assignments: the own value of <paramref name="name"/> (last one wins) and the prototype, which
    /// is null for Object.prototype and Nil for none. Assigning "__proto__" runs Object.prototype's setter while
    /// that is still on the chain: objects and null replace the prototype, other values are ignored. Once the
    /// chain no longer reaches Object.prototype, "__proto__" is an ordinary own property.
    /// </summary>
    private static (MessagePackValue? Own, MessagePackValue? Prototype) Read(MessagePackValue map, string name)
    {
        MessagePackValue? own = null, prototype = null;
        var hasSetter = true;
        foreach (var (key, value) in map.AsMap())
        {
            var property = PropertyKey(key);
            if (property == "__proto__" && hasSetter)
            {
                if (value.Kind is MessagePackKind.Map or MessagePackKind.Array or MessagePackKind.Binary or MessagePackKind.Nil)
                {
                    prototype = value;
                    hasSetter = ReachesObjectPrototype(prototype);
                }
            }
            else if (property == name)
            {
                own = value;
            }
        }
        return (own, prototype);
    }

    private static bool ReachesObjectPrototype(MessagePackValue? prototype) => prototype switch
    {
        null => true,
        { Kind: MessagePackKind.Nil } => false,
        { Kind: MessagePackKind.Map } => ReachesObjectPrototype(Read(prototype, "__proto__").Prototype),
        _ => true, // Array.prototype and Buffer's chain end in Object.prototype
    };

    /// <summary>String(key) where it could be "id", "url" or "__proto__"; null where it cannot (numbers, lists with commas).</summary>
    private static string? PropertyKey(MessagePackValue key) => key.Kind switch
    {
        MessagePackKind.String => key.AsString(),
        MessagePackKind.Binary => Encoding.UTF8.GetString(key.AsBinary().Span), // Buffer#toString()
        MessagePackKind.Nil => "null",
        MessagePackKind.Boolean => key.AsBoolean() ? "true" : "false",
        MessagePackKind.Map => "[object Object]",
        MessagePackKind.Array => key.AsArray() switch // Array#join(","), null items as ""
        {
            [] => string.Empty,
            [var only] => only.IsNil ? string.Empty : PropertyKey(only),
            _ => null,
        },
        _ => null,
    };
}
