namespace RaftRunner.ZeroMq.Native;

/// <summary>
/// Whether sockets check that they are used only from their owner thread. ZeroMQ sockets are not
/// thread-safe and misuse corrupts libzmq's state silently, so Debug builds always check. Release builds
/// check only when RAFTRUNNER_ZMQ_CHECK_THREADS=1, because the check is a branch on every call of the
/// bridge's hot loop; the test suite turns it on.
/// </summary>
internal static class ThreadAffinity
{
    internal const string EnvironmentVariable = "RAFTRUNNER_ZMQ_CHECK_THREADS";

    internal static bool Enabled { get; set; } =
#if DEBUG
        true;
#else
        Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";
#endif
}
