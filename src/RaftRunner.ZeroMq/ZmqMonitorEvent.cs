namespace RaftRunner.ZeroMq;

/// <summary>
/// One event from a socket monitor: the first frame of libzmq's event message holds the event id (uint16)
/// and <paramref name="Value"/> (uint32, meaning per event, see <see cref="ZmqMonitorEvents"/>), the second
/// the endpoint it concerns.
/// </summary>
public sealed record ZmqMonitorEvent(ZmqMonitorEvents Event, uint Value, string Endpoint);
