namespace RaftRunner.Raft.Membership;

/// <summary>A JavaScript throw inside join(): the name and message zmq-raft puts in its reply.</summary>
internal sealed class JsException(string name, string message) : Exception(message)
{
    public string Name { get; } = name;

    public static JsException Assertion(string message) => new("AssertionError", message);

    public static JsException UriMalformed() => new("URIError", "URI malformed");
}
