using System.Buffers.Binary;
using System.Collections.Immutable;
using System.Security.Cryptography;
using System.Text;

namespace RaftRunner.Node.StateMachines;

/// <summary>
/// SHA-256 of a key-value state: every pair in ordinal key order as (key length, UTF-8 key, value length, encoded
/// value), lengths as 4-byte big-endian. Two nodes that applied the same entries have the same hash; tests and
/// operators compare it instead of the whole state.
/// </summary>
public static class KeyValueStateHash
{
    public static byte[] Of(ImmutableSortedDictionary<string, byte[]> pairs)
    {
        ArgumentNullException.ThrowIfNull(pairs);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Span<byte> length = stackalloc byte[4];
        foreach (var (key, value) in pairs)
        {
            var keyBytes = Encoding.UTF8.GetBytes(key);
            BinaryPrimitives.WriteInt32BigEndian(length, keyBytes.Length);
            hash.AppendData(length);
            hash.AppendData(keyBytes);
            BinaryPrimitives.WriteInt32BigEndian(length, value.Length);
            hash.AppendData(length);
            hash.AppendData(value);
        }
        return hash.GetHashAndReset();
    }
}
