using RaftRunner.Protocol.Messages;

namespace RaftRunner.Protocol.Tests.Messages;

/// <summary>
/// Random and mutated frame sets through every decoder: each must return a record or a ProtocolError, never
/// throw. Seeded (RAFTRUNNER_FUZZ_SEED overrides); the seed and the failing input are in the failure message.
/// </summary>
public sealed class DecoderFuzzTests
{
    private const int Inputs = 100_000;

    private static readonly (string Name, Func<IReadOnlyList<ReadOnlyMemory<byte>>, bool> Decode)[] Decoders =
    [
        ("RequestVoteRequest", f => RequestVoteRequest.TryDecode(f, out _, out _)),
        ("RequestVoteResponse", f => RequestVoteResponse.TryDecode(f, out _, out _)),
        ("AppendEntriesRequest", f => AppendEntriesRequest.TryDecode(f, out _, out _)),
        ("AppendEntriesResponse", f => AppendEntriesResponse.TryDecode(f, out _, out _)),
        ("InstallSnapshotRequest", f => InstallSnapshotRequest.TryDecode(f, out _, out _)),
        ("InstallSnapshotResponse", f => InstallSnapshotResponse.TryDecode(f, out _, out _)),
        ("RequestConfigRequest", f => RequestConfigRequest.TryDecode(f, out _, out _)),
        ("RequestConfigResponse", f => RequestConfigResponse.TryDecode(f, out _, out _)),
        ("RequestLogInfoRequest", f => RequestLogInfoRequest.TryDecode(f, out _, out _)),
        ("RequestLogInfoResponse", f => RequestLogInfoResponse.TryDecode(f, out _, out _)),
        ("RequestUpdateRequest", f => RequestUpdateRequest.TryDecode(f, out _, out _)),
        ("RequestUpdateResponse", f => RequestUpdateResponse.TryDecode(f, out _, out _)),
        ("ConfigUpdateRequest", f => ConfigUpdateRequest.TryDecode(f, out _, out _, out _)),
        ("ConfigUpdateResponse", f => ConfigUpdateResponse.TryDecode(f, out _, out _)),
        ("RequestEntriesRequest", f => RequestEntriesRequest.TryDecode(f, out _, out _)),
        ("RequestEntriesResponse", f => RequestEntriesResponse.TryDecode(f, out _, out _)),
        ("StateBroadcast", f => StateBroadcast.TryDecode(f, ProtocolVectors.Secret.Span, out _, out _)),
        ("UrlRequest*", f => UrlRequest.TryDecode(f, MessageTypes.RequestBroadcastStateUrl, out _, out _)),
        ("UrlResponse", f => UrlResponse.TryDecode(f, out _, out _)),
        ("ClientDispatchRequest", f => ClientDispatchRequest.TryDecode(f, out _, out _)),
        ("ClientDispatchResponse", f => ClientDispatchResponse.TryDecode(f, out _, out _)),
        ("MessageHeader", f => MessageHeader.TryRead(f, out _, out _)),
        ("ConfigEntryData", f => f.Count > 0 && ConfigEntryData.TryDecode(f[0].Span, out _, out _)),
        ("LogEntry", f => f.Count > 0 && LogEntry.TryWrap(f[0], out _, out _)),
    ];

    [Fact]
    public void Every_decoder_survives_100k_random_and_mutated_frame_sets()
    {
        var seed = int.TryParse(Environment.GetEnvironmentVariable("RAFTRUNNER_FUZZ_SEED"), out var s) ? s : 20261122;
        var random = new Random(seed);
        var corpus = ProtocolVectors.Cases.Select(ProtocolVectors.Frames).ToArray();
        var successes = 0L;
        for (var i = 0; i < Inputs; i++)
        {
            var input = i % 10 == 0 ? RandomFrames(random) : Mutate(corpus[random.Next(corpus.Length)], random);
            foreach (var (name, decode) in Decoders)
            {
                try
                {
                    if (decode(input))
                        successes++;
                }
                catch (Exception e)
                {
                    Assert.Fail($"seed {seed}, input {i}: {name} threw {e.GetType().Name}: {e.Message}\nframes: [{string.Join(", ", ProtocolVectors.Hex(input))}]");
                }
            }
        }
        Assert.True(successes > 0, "the mutations should leave some inputs decodable, or the fuzzer tests nothing but rejection");
    }

    private static ReadOnlyMemory<byte>[] RandomFrames(Random random)
    {
        var frames = new ReadOnlyMemory<byte>[random.Next(0, 12)];
        for (var i = 0; i < frames.Length; i++)
            frames[i] = RandomBytes(random, random.Next(0, 40));
        return frames;
    }

    private static ReadOnlyMemory<byte>[] Mutate(ReadOnlyMemory<byte>[] original, Random random)
    {
        var frames = original.ToList();
        var mutations = random.Next(1, 4);
        for (var m = 0; m < mutations; m++)
        {
            var at = frames.Count == 0 ? 0 : random.Next(frames.Count);
            switch (random.Next(9))
            {
                case 0 when frames.Count > 0: frames.RemoveAt(at); break;
                case 1 when frames.Count > 0: frames.Insert(at, frames[at]); break;
                case 2 when frames.Count > 0: frames[at] = frames[at][..random.Next(frames[at].Length + 1)]; break;
                case 3 when frames.Count > 0: frames[at] = Concat(frames[at], RandomBytes(random, random.Next(1, 10))); break;
                case 4 when frames.Count > 0 && frames[at].Length > 0: frames[at] = FlipBit(frames[at], random); break;
                case 5: frames.Insert(at, RandomBytes(random, random.Next(0, 20))); break;
                case 6 when frames.Count > 1: (frames[at], frames[0]) = (frames[0], frames[at]); break;
                case 7 when frames.Count > 0: frames[at] = new byte[] { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff }; break;
                case 8 when frames.Count > 0: frames[at] = ReadOnlyMemory<byte>.Empty; break;
            }
        }
        return frames.ToArray();
    }

    private static byte[] RandomBytes(Random random, int length)
    {
        var bytes = new byte[length];
        random.NextBytes(bytes);
        return bytes;
    }

    private static byte[] Concat(ReadOnlyMemory<byte> a, byte[] b) => [.. a.Span, .. b];

    private static byte[] FlipBit(ReadOnlyMemory<byte> frame, Random random)
    {
        var copy = frame.ToArray();
        copy[random.Next(copy.Length)] ^= (byte)(1 << random.Next(8));
        return copy;
    }
}
