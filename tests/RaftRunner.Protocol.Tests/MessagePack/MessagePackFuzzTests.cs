using System.Diagnostics;
using System.Globalization;
using RaftRunner.Protocol.MessagePack;
using Xunit.Abstractions;
using static RaftRunner.Protocol.Tests.MessagePack.MessagePackTestHelpers;

namespace RaftRunner.Protocol.Tests.MessagePack;

/// <summary>
/// Seeded fuzzing of <see cref="MessagePackCodec.TryDecode"/>. The seed is fixed (so runs are repeatable) unless the
/// environment variable RAFTRUNNER_FUZZ_SEED overrides it; failures print it.
/// </summary>
public sealed class MessagePackFuzzTests(ITestOutputHelper output)
{
    private const int DefaultSeed = 0x52_41_46_54; // "RAFT"
    private const int Iterations = 150_000;
    private const string SeedVariable = "RAFTRUNNER_FUZZ_SEED";

    private static readonly byte[] InterestingBytes =
    [
        0x00, 0x01, 0x7f, 0x80, 0x8f, 0x90, 0x9f, 0xa0, 0xbf, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7, 0xc9, 0xca,
        0xcb, 0xcc, 0xcd, 0xce, 0xcf, 0xd0, 0xd3, 0xd4, 0xd8, 0xd9, 0xda, 0xdb, 0xdc, 0xdd, 0xde, 0xdf, 0xe0, 0xff,
    ];

    private static readonly byte[][] HugePrefixes =
    [
        [0xdb, 0xff, 0xff, 0xff, 0xff], [0xc6, 0xff, 0xff, 0xff, 0xff], [0xdd, 0xff, 0xff, 0xff, 0xff], [0xdf, 0xff, 0xff, 0xff, 0xff],
        [0xdd, 0x7f, 0xff, 0xff, 0xff], [0xc6, 0x7f, 0xff, 0xff, 0xff], [0xda, 0xff, 0xff], [0xdc, 0xff, 0xff], [0xde, 0xff, 0xff],
        [0xc5, 0xff, 0xff], [0xd9, 0xff], [0xc4, 0xff], [0xdd, 0x00, 0x01, 0x00, 0x00], [0xdc, 0x00, 0x10],
    ];

    private static int Seed()
    {
        var text = Environment.GetEnvironmentVariable(SeedVariable);
        return int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var seed) ? seed : DefaultSeed;
    }

    [Fact]
    public void RandomAndMutatedInputs_NeverThrow_AndDecodedValuesRoundTrip()
    {
        var seed = Seed();
        output.WriteLine($"fuzz seed {seed} (override with {SeedVariable})");
        var random = new Random(seed);
        var corpus = BuildCorpus(random);
        int accepted = 0, rejected = 0;
        var stopwatch = Stopwatch.StartNew();

        for (var iteration = 0; iteration < Iterations; iteration++)
        {
            var input = Generate(random, corpus);
            var failure = Check(input, out var ok);
            if (failure is not null)
            {
                Assert.Fail($"fuzz failure with seed {seed} at iteration {iteration} (rerun with {SeedVariable}={seed}): {failure}; " +
                    $"input ({input.Length} bytes) {Hex(input.AsSpan(0, Math.Min(input.Length, 512)))}");
            }
            if (ok)
                accepted++;
            else
                rejected++;
        }

        stopwatch.Stop();
        output.WriteLine($"{Iterations} inputs in {stopwatch.ElapsedMilliseconds} ms: {accepted} decoded, {rejected} rejected");
        // Both outcomes must be well exercised, or the mutations are not testing much.
        Assert.True(accepted > Iterations / 10, $"seed {seed}: only {accepted} inputs decoded");
        Assert.True(rejected > Iterations / 10, $"seed {seed}: only {rejected} inputs rejected");
    }

    /// <summary>Returns a description of what went wrong, or null.</summary>
    private static string? Check(byte[] input, out bool ok)
    {
        MessagePackValue value;
        int consumed;
        string? error;
        var before = GC.GetAllocatedBytesForCurrentThread();
        var start = Stopwatch.GetTimestamp();
        try
        {
            ok = MessagePackCodec.TryDecode(input, out value, out consumed, out error);
        }
        catch (Exception ex)
        {
            ok = false;
            return $"TryDecode threw {ex.GetType().Name}: {ex.Message}";
        }
        var elapsed = Stopwatch.GetElapsedTime(start);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        if (elapsed > TimeSpan.FromSeconds(1))
            return $"TryDecode took {elapsed.TotalMilliseconds} ms";
        var allowance = MessagePackHostileInputTests.AllocationPerInputByte * (long)input.Length + MessagePackHostileInputTests.AllocationConstant;
        if (allocated > allowance)
            return $"TryDecode allocated {allocated} bytes for {input.Length} input bytes";

        try
        {
            var exact = MessagePackCodec.TryDecodeExact(input, out var exactValue, out var exactError);
            if (!ok)
            {
                if (string.IsNullOrEmpty(error) || error.Contains('\n', StringComparison.Ordinal) || !value.IsNil || consumed != 0)
                    return $"bad failure result: error '{error}', value {value}, consumed {consumed}";
                return exact ? "TryDecodeExact accepted what TryDecode rejected" : null;
            }

            if (error is not null || consumed < 1 || consumed > input.Length)
                return $"bad success result: error '{error}', consumed {consumed}";
            if (exact != (consumed == input.Length))
                return $"TryDecodeExact says {exact} ({exactError}) but TryDecode consumed {consumed} of {input.Length}";
            if (exact && !StrictEquals(value, exactValue))
                return "TryDecodeExact decoded a different value";
            _ = value.ToString(1000);

            foreach (var encoding in new[] { MessagePackEncoding.MsgpackLite, MessagePackEncoding.Standard })
            {
                var encoded = MessagePackCodec.Encode(value, encoding);
                if (!MessagePackCodec.TryDecodeExact(encoded, out var back, out var backError))
                    return $"{encoding} re-encoding {Hex(encoded)} does not decode: {backError}";
                if (!back.Equals(value) || back.GetHashCode() != value.GetHashCode())
                    return $"{encoding} round trip changed {value.ToString(300)} into {back.ToString(300)}";
                if (encoding == MessagePackEncoding.Standard && !StrictEquals(back, value))
                    return $"standard round trip changed kinds: {value.ToString(300)} into {back.ToString(300)}";
                if (!MessagePackCodec.Encode(back, encoding).AsSpan().SequenceEqual(encoded))
                    return $"{encoding} encoding is not stable across a round trip";
            }
            return null;
        }
        catch (Exception ex)
        {
            return $"round trip threw {ex.GetType().Name}: {ex.Message}";
        }
    }

    private static List<byte[]> BuildCorpus(Random random)
    {
        var corpus = new List<byte[]>();
        foreach (var c in MessagePackVectors.EncodeCases)
        {
            if (c.TryGetProperty("hex", out var hex) && hex.GetString()!.Length <= 4096)
                corpus.Add(Convert.FromHexString(hex.GetString()!));
        }
        foreach (var c in MessagePackVectors.DecodeCases)
        {
            var hex = c.GetProperty("hex").GetString()!;
            if (hex.Length <= 4096)
                corpus.Add(Convert.FromHexString(hex));
        }
        for (var i = 0; i < 300; i++)
        {
            var value = RandomValue(random, 0);
            corpus.Add(MessagePackCodec.Encode(value));
            corpus.Add(MessagePackCodec.Encode(value, MessagePackEncoding.Standard));
        }
        return corpus;
    }

    private static MessagePackValue RandomValue(Random random, int depth)
    {
        var choice = random.Next(depth >= 4 ? 10 : 13);
        switch (choice)
        {
            case 0:
                return MessagePackValue.Nil;
            case 1:
                return MessagePackValue.From(random.Next(2) == 0);
            case 2:
                return MessagePackValue.From((long)random.Next(-200, 70000));
            case 3:
                return MessagePackValue.From(random.NextInt64(long.MinValue, long.MaxValue) >> random.Next(64));
            case 4:
                return MessagePackValue.From((ulong)random.NextInt64() << random.Next(2));
            case 5:
                return MessagePackValue.From((random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-20, 30)));
            case 6:
                return MessagePackValue.From(random.Next(4) switch
                {
                    0 => double.NaN,
                    1 => double.NegativeInfinity,
                    2 => -0.0,
                    _ => (double)(float)random.NextDouble(),
                });
            case 7:
            case 8:
                {
                    var chars = new char[random.Next(random.Next(2) == 0 ? 40 : 300)];
                    for (var i = 0; i < chars.Length; i++)
                        chars[i] = random.Next(5) == 0 ? (char)random.Next(0x80, 0xd7ff) : (char)random.Next(0x20, 0x7f);
                    return MessagePackValue.From(new string(chars));
                }
            case 9:
                {
                    var bytes = new byte[random.Next(random.Next(2) == 0 ? 16 : 300)];
                    random.NextBytes(bytes);
                    return MessagePackValue.FromBinary(bytes);
                }
            case 10:
            case 11:
                {
                    var items = new MessagePackValue[random.Next(random.Next(4) == 0 ? 20 : 5)];
                    for (var i = 0; i < items.Length; i++)
                        items[i] = RandomValue(random, depth + 1);
                    return MessagePackValue.Array(items);
                }
            default:
                {
                    var entries = new KeyValuePair<MessagePackValue, MessagePackValue>[random.Next(random.Next(4) == 0 ? 20 : 5)];
                    for (var i = 0; i < entries.Length; i++)
                    {
                        var key = random.Next(5) == 0 ? RandomValue(random, depth + 1) : MessagePackValue.From("key" + random.Next(50).ToString(CultureInfo.InvariantCulture));
                        entries[i] = new(key, RandomValue(random, depth + 1));
                    }
                    return MessagePackValue.Map(entries);
                }
        }
    }

    private static byte[] Generate(Random random, List<byte[]> corpus)
    {
        var kind = random.Next(20);
        if (kind < 2)
        {
            var bytes = new byte[random.Next(65)];
            random.NextBytes(bytes);
            return bytes;
        }
        if (kind < 4)
        {
            var bytes = new byte[random.Next(65)];
            for (var i = 0; i < bytes.Length; i++)
                bytes[i] = random.Next(3) == 0 ? (byte)random.Next(256) : InterestingBytes[random.Next(InterestingBytes.Length)];
            return bytes;
        }

        var data = new List<byte>(corpus[random.Next(corpus.Count)]);
        var mutations = 1 + random.Next(random.Next(2) == 0 ? 2 : 5);
        for (var m = 0; m < mutations; m++)
            Mutate(random, data, corpus);
        return [.. data];
    }

    private static void Mutate(Random random, List<byte> data, List<byte[]> corpus)
    {
        var position = random.Next(data.Count + 1);
        switch (random.Next(10))
        {
            case 0 when data.Count > 0:
                data[Math.Min(position, data.Count - 1)] ^= (byte)(1 << random.Next(8));
                break;
            case 1 when data.Count > 0:
                data[Math.Min(position, data.Count - 1)] = InterestingBytes[random.Next(InterestingBytes.Length)];
                break;
            case 2:
                data.RemoveRange(position, data.Count - position);
                break;
            case 3:
                for (var i = random.Next(1, 9); i > 0; i--)
                    data.Insert(position, (byte)random.Next(256));
                break;
            case 4 when data.Count > 0:
                {
                    var from = random.Next(data.Count);
                    var length = Math.Min(random.Next(1, 64), data.Count - from);
                    data.InsertRange(position, data.GetRange(from, length));
                    break;
                }
            case 5 when data.Count > 0:
                {
                    var from = random.Next(data.Count);
                    data.RemoveRange(from, Math.Min(random.Next(1, 16), data.Count - from));
                    break;
                }
            case 6:
                data.InsertRange(position, HugePrefixes[random.Next(HugePrefixes.Length)]);
                break;
            case 7 when data.Count > 1:
                for (var i = Math.Min(position, data.Count - 1) + 1; i < Math.Min(data.Count, position + 5); i++)
                    data[i] = 0xff;
                break;
            case 8:
                {
                    var other = corpus[random.Next(corpus.Count)];
                    var from = random.Next(other.Length);
                    data.InsertRange(position, other.AsSpan(from, Math.Min(other.Length - from, random.Next(1, 128))).ToArray());
                    break;
                }
            default:
                // Wrap in a container header with a random count.
                data.Insert(0, (byte)(random.Next(2) == 0 ? 0x90 | random.Next(16) : 0x80 | random.Next(16)));
                break;
        }
    }
}
