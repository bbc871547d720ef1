using System.Runtime.InteropServices;
using RaftRunner.Node;
using RaftRunner.ZeroMq;

namespace RaftRunner.Cli;

/// <summary>
/// What <c>raft-runner node</c> checks before the node starts, so that a bad argument is one line and exit code 2
/// and never leaves anything behind (DESIGN.md "Contracts"): a node writes its data directory as it starts, long
/// before its bridge would find its port taken or its peers deaf to its secret. Checked, in this order: the data
/// directory (not a file, readable and writable, or creatable), the ROUTER and PUB addresses (bound and released
/// again), and for a node that joins (its id is not in --peers and it has no state yet) that some peer answers
/// with its secret. Nothing is created or written by the checks.
/// </summary>
internal static partial class NodePreflight
{
    /// <summary>Null when the node may start; otherwise the one line that says why not.</summary>
    public static string? Check(NodeSettings settings)
    {
        if (CheckDataDirectory(settings.DataDirectory) is { } dataProblem)
            return dataProblem;
        if (CheckBind(settings.BindUrl, "--port") is { } routerProblem)
            return routerProblem;
        if (settings.PubBindUrl is { } pub && CheckBind(pub, "--pub") is { } pubProblem)
            return pubProblem;
        if (CheckJoin(settings) is { } joinProblem)
            return joinProblem;
        return null;
    }

    /// <summary>The data directory: an existing directory the node can read and write, or a path it can create.</summary>
    internal static string? CheckDataDirectory(string path)
    {
        var full = Path.GetFullPath(path);
        if (File.Exists(full))
            return $"--data: {full} is a file, not a directory";
        if (Directory.Exists(full))
        {
            if (!Accessible(full, R_OK | W_OK | X_OK))
                return $"--data: {full} cannot be {(Accessible(full, R_OK | X_OK) ? "written" : "read")} by this user";
            try
            {
                using var entries = Directory.EnumerateFileSystemEntries(full).GetEnumerator();
                entries.MoveNext();
            }
            catch (Exception e) when (e is UnauthorizedAccessException or IOException)
            {
                return $"--data: {full} cannot be read: {e.Message}";
            }
            return null;
        }
        // Not there: the node creates it, and every missing parent. The nearest existing ancestor must be a
        // directory this user may create entries in.
        var ancestor = Path.GetDirectoryName(full);
        while (ancestor is not null && !Directory.Exists(ancestor))
        {
            if (File.Exists(ancestor))
                return $"--data: {full} cannot be created: {ancestor} is a file";
            ancestor = Path.GetDirectoryName(ancestor);
        }
        if (ancestor is null)
            return $"--data: {full} cannot be created: none of its parents exists";
        if (!Accessible(ancestor, W_OK | X_OK))
            return $"--data: {full} cannot be created: {ancestor} is not writable by this user";
        return null;
    }

    /// <summary>Binds a ZeroMQ socket to <paramref name="url"/> and lets it go, as the node's bridge will bind it.</summary>
    internal static string? CheckBind(string url, string option)
    {
        try
        {
            using var context = new ZmqContext();
            using var socket = context.CreateSocket(ZmqSocketType.Router);
            socket.Linger = TimeSpan.Zero;
            socket.Bind(url);
            return null;
        }
        catch (ZmqException e)
        {
            var reason = e.Message.Contains("EADDRINUSE", StringComparison.Ordinal) ? "the port is in use"
                : e.Message.Contains("EADDRNOTAVAIL", StringComparison.Ordinal) ? "the address is not one of this machine's"
                : e.Message.Contains("EACCES", StringComparison.Ordinal) ? "permission denied"
                : e.Message;
            return $"{option}: cannot bind {url}: {reason}";
        }
    }

    /// <summary>
    /// A node that joins asks its peers for the configuration before it writes anything. Peers drop requests with
    /// the wrong secret silently, and the node would wait for ever; so before it starts, some peer must answer with
    /// its secret. When no peer is listening at all the node is let start: it waits for the cluster to come up, as
    /// it always did, and writes nothing until it answers.
    /// </summary>
    private static string? CheckJoin(NodeSettings settings)
    {
        if (settings.Peers.Any(p => p.Id == settings.NodeId) || File.Exists(Path.Combine(settings.DataDirectory, DataDirectory.RaftFileName)))
            return null;
        var urls = settings.Peers.Select(p => p.Url).Where(u => u != settings.Url).Distinct(StringComparer.Ordinal).ToArray();
        if (urls.Length == 0)
            return null;
        var secret = System.Text.Encoding.UTF8.GetString(settings.Secret.Span);
        if (ClusterProbe.FirstAnswerAsync(urls, secret, ClusterProbe.DefaultWait, CancellationToken.None).GetAwaiter().GetResult() is not null)
            return null;
        var listening = ClusterProbe.ListeningAsync(urls, TimeSpan.FromSeconds(1), CancellationToken.None).GetAwaiter().GetResult();
        if (listening.Count == 0)
            return null;
        return $"no peer answered with secret '{secret}' within {ClusterProbe.DefaultWait.TotalSeconds:0} s ({string.Join(", ", listening)} accept{(listening.Count == 1 ? "s" : "")} connections but stay{(listening.Count == 1 ? "s" : "")} silent, as zmq-raft peers do to a wrong secret); check --peers and --secret";
    }

    private const int X_OK = 1;
    private const int W_OK = 2;
    private const int R_OK = 4;

    private static bool Accessible(string path, int mode) => !OperatingSystem.IsLinux() && !OperatingSystem.IsMacOS() || access(path, mode) == 0;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int access(string path, int mode);
}
