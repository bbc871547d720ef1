namespace RaftRunner.Node;

/// <summary>How fresh a query's answer must be.</summary>
public enum ReadConsistency
{
    /// <summary>
    /// Linearizable (Raft §6.4 ReadIndex): the answer reflects every change committed before the query was asked,
    /// anywhere in the cluster. The leader confirms it still leads with a round of heartbeats; a follower has the
    /// leader run the query. Costs a round trip to a majority.
    /// </summary>
    Linearizable,

    /// <summary>
    /// This node's state as applied now: no network, but possibly behind the leader (a follower lags, a partitioned
    /// node may be far behind). Reads on one node never go back in time.
    /// </summary>
    Local,
}

/// <summary>
/// → RaftRunnerActor: run <see cref="Request"/> through the state machine's <c>QueryAsync</c>. The answer is
/// <see cref="QueryAnswered"/> or <see cref="QueryFailed"/>.
/// </summary>
public sealed record QueryState(ReadOnlyMemory<byte> Request, ReadConsistency Consistency = ReadConsistency.Linearizable);

/// <summary>The state machine's answer to a <see cref="QueryState"/>.</summary>
public sealed record QueryAnswered(ReadOnlyMemory<byte> Response);

/// <summary>Why a query got no answer.</summary>
public enum QueryFailure
{
    /// <summary>No leader could confirm the read in time (linearizable queries only).</summary>
    Timeout,

    /// <summary>The state machine's <c>QueryAsync</c> threw; <see cref="QueryFailed.Message"/> has its error.</summary>
    Rejected,
}

/// <summary>The query was not answered.</summary>
public sealed record QueryFailed(QueryFailure Reason, string Message);
