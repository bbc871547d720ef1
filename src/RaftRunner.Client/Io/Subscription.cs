using System.Threading.Channels;

namespace RaftRunner.Client.Io;

/// <summary>
/// A SUB socket owned by the I/O thread, filtered on the cluster ident. Broadcasts wait in a bounded queue: when the
/// reader falls behind, newer ones are dropped, and the subscriber fills the gap from the log (RequestEntries).
/// </summary>
internal sealed class Subscription : IDisposable
{
    private const int Backlog = 256;
    private readonly ClientIo _io;
    private readonly Channel<ReadOnlyMemory<byte>[]> _broadcasts = Channel.CreateBounded<ReadOnlyMemory<byte>[]>(
        new BoundedChannelOptions(Backlog) { SingleReader = true, SingleWriter = true, FullMode = BoundedChannelFullMode.DropWrite });
    private int _disposed;

    internal Subscription(ClientIo io, byte[] prefix)
    {
        _io = io;
        Prefix = prefix;
    }

    public byte[] Prefix { get; }

    /// <summary>The url the socket is connected to; read and written on the I/O thread only.</summary>
    internal string? ConnectedUrl { get; set; }

    internal ChannelWriter<ReadOnlyMemory<byte>[]> Broadcasts => _broadcasts.Writer;

    /// <summary>Connects the socket to <paramref name="url"/>, leaving the previous publisher.</summary>
    public void Connect(string url) => _io.Post(new IoCommand.ConnectSubscription(this, url));

    /// <summary>The next broadcast (every frame, copied), or null when none came within <paramref name="timeout"/>.</summary>
    public async ValueTask<ReadOnlyMemory<byte>[]?> ReceiveAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_broadcasts.Reader.TryRead(out var ready))
            return ready;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            return await _broadcasts.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return null;
        }
        catch (ChannelClosedException e)
        {
            throw new ObjectDisposedException("the RaftClient was disposed", e);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
            _io.Post(new IoCommand.CloseSubscription(this));
    }
}
