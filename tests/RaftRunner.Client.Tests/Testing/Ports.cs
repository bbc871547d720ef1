using System.Globalization;

namespace RaftRunner.Client.Tests.Testing;

/// <summary>Ports and urls for the client tests' nodes (free ports below the ephemeral range: tests/Shared/FreePort.cs).</summary>
internal static class Ports
{
    /// <summary><paramref name="count"/> distinct ports that were free a moment ago.</summary>
    public static int[] Free(int count) => FreePort.Distinct(count);

    public static string Url(int port) => $"tcp://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}";
}
