using System.Text.Json;

namespace RaftRunner.Protocol.Tests.Messages;

/// <summary>
/// Reads tests/vectors/protocol/vectors.json, written by zmq-raft's own encoders
/// (tests/vectors/protocol/generate.js), copied next to the test assembly.
/// </summary>
internal static class ProtocolVectors
{
    private static readonly Lazy<JsonDocument> Document = new(() =>
        JsonDocument.Parse(File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "vectors", "protocol", "vectors.json"))));

    public static JsonElement Root => Document.Value.RootElement;

    public static ReadOnlyMemory<byte> Secret => Convert.FromHexString(Root.GetProperty("secret").GetString()!);

    public static IEnumerable<JsonElement> Cases => Root.GetProperty("cases").EnumerateArray();

    public static string Key(JsonElement c) => $"{c.GetProperty("rpc").GetString()} {c.GetProperty("kind").GetString()}: {c.GetProperty("name").GetString()}";

    public static JsonElement Case(string key) => Cases.Single(c => Key(c) == key);

    public static ReadOnlyMemory<byte>[] Frames(JsonElement c) =>
        c.GetProperty("frames").EnumerateArray().Select(f => (ReadOnlyMemory<byte>)Convert.FromHexString(f.GetString()!)).ToArray();

    public static string[] Hex(IEnumerable<ReadOnlyMemory<byte>> frames) => frames.Select(f => Convert.ToHexStringLower(f.Span)).ToArray();
}
