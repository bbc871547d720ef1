namespace RaftRunner.Actors.TestKit;

/// <summary>
/// Keeps enough thread-pool workers for the actors while test threads block.
/// Why here and not in the kernel: the Expect methods block their thread (Monitor.Wait), and xunit runs
/// tests on the thread pool, the same pool that runs every actor turn. The pool starts with one worker per
/// core and adds more only when its starvation heuristic notices (about one every half second), so on a
/// 2-core machine two waiting tests can leave no worker for the actors: an actor then does not even start
/// while ExpectNoMsg waits, and ExpectNoMsg passes for the wrong reason. Below the minimum, the pool starts
/// a worker at once whenever work is queued. Actors themselves never block, so the kernel keeps the shared
/// pool (an idle actor holds no thread, and the hot path stays a single work item per turn).
/// </summary>
internal static class ThreadPoolFloor
{
    /// <summary>Two per core (a blocked test thread and an actor turn each), and never fewer than 16.</summary>
    public static int MinWorkerThreads { get; } = Math.Max(16, 2 * Environment.ProcessorCount);

    public static void Ensure()
    {
        ThreadPool.GetMinThreads(out var workers, out var io);
        if (workers < MinWorkerThreads)
            ThreadPool.SetMinThreads(MinWorkerThreads, io);
    }
}
