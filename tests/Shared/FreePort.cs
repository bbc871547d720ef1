using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RaftRunner.Testing;

/// <summary>
/// TCP ports on 127.0.0.1 that were free a moment ago, for processes and nodes that must be told their port. They
/// come from below the kernel's ephemeral range: nodes dial their peers until they listen, and a dial from an
/// ephemeral port can take — or on loopback connect to itself on — a port a node is about to bind.
/// </summary>
internal static class FreePort
{
    private static readonly int EphemeralStart = ReadEphemeralStart();

    public static int Next() => Distinct(1)[0];

    /// <summary><paramref name="count"/> distinct ports (all held while they are chosen, so none is handed out twice).</summary>
    public static int[] Distinct(int count)
    {
        var listeners = new List<TcpListener>();
        try
        {
            for (var attempt = 0; listeners.Count < count && attempt < 10_000; attempt++)
            {
                var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(EphemeralStart - 12_000, EphemeralStart));
                try
                {
                    listener.Start();
                    listeners.Add(listener);
                }
                catch (SocketException)
                {
                    // taken: try another
                }
            }
            if (listeners.Count < count)
                throw new InvalidOperationException($"no {count} free ports below {EphemeralStart}");
            return [.. listeners.Select(l => ((IPEndPoint)l.LocalEndpoint).Port)];
        }
        finally
        {
            foreach (var listener in listeners)
                listener.Stop();
        }
    }

    private static int ReadEphemeralStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[])['\t', ' ', '\n'], StringSplitOptions.RemoveEmptyEntries);
            if (int.TryParse(range[0], NumberStyles.None, CultureInfo.InvariantCulture, out var first) && first > 14_000)
                return first;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // not Linux: the IANA range's start
        }
        return 32_768;
    }
}
