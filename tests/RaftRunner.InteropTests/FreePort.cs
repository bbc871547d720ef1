using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace RaftRunner.InteropTests;

internal static class FreePort
{
    private static readonly int EphemeralStart = ReadEphemeralStart();

    /// <summary>
    /// A TCP port on 127.0.0.1 that was free a moment ago (for processes that must be told their port), taken from
    /// below the kernel's ephemeral range: nodes dial their peers until they listen, and a dial from an ephemeral
    /// port can take — or on loopback connect to itself on — a port a node is about to bind.
    /// </summary>
    public static int Next()
    {
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            using var listener = new TcpListener(IPAddress.Loopback, Random.Shared.Next(EphemeralStart - 12_000, EphemeralStart));
            try
            {
                listener.Start();
                return ((IPEndPoint)listener.LocalEndpoint).Port;
            }
            catch (SocketException)
            {
                // taken: try another
            }
        }
        throw new InvalidOperationException("no free port below the ephemeral range after 1000 tries");
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
            // not Linux
        }
        return 32_768;
    }
}
