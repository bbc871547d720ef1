using System.Threading.Channels;

namespace RaftRunner.Client.Io;

/// <summary>
/// One request id at one peer: the first message, any follow-ups (RequestEntries acknowledgements), and every answer
/// the peer sends under that id, in order. Used by one caller at a time; <see cref="Dispose"/> unregisters it, and
/// answers that arrive later are dropped by the I/O thread.
/// </summary>
internal sealed class Exchange : IDisposable
{
    private readonly ClientIo _io;
    private readonly Channel<ReadOnlyMemory<byte>[]> _answers = Channel.CreateUnbounded<ReadOnlyMemory<byte>[]>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private int _disposed;

    internal Exchange(ClientIo io, string url, WireKey key)
    {
        _io = io;
        Url = url;
        Key = key;
    }

    public string Url { get; }

    public WireKey Key { get; }

    /// <summary>Set by the I/O thread when it dropped the exchange; read only there.</summary>
    internal bool Closed { get; set; }

    internal ChannelWriter<ReadOnlyMemory<byte>[]> Answers => _answers.Writer;

    /// <summary>Queues a follow-up message to the same peer (sent after the earlier ones).</summary>
    public void Send(ReadOnlyMemory<byte>[] frames) => _io.Post(new IoCommand.Send(this, frames));

    /// <summary>The next answer (every frame, copied), or null when none came within <paramref name="timeout"/>.</summary>
    public async ValueTask<ReadOnlyMemory<byte>[]?> ReceiveAsync(TimeSpan timeout, CancellationToken ct)
    {
        if (_answers.Reader.TryRead(out var ready))
            return ready;
        using var timer = CancellationTokenSource.CreateLinkedTokenSource(ct);
        timer.CancelAfter(timeout);
        try
        {
            return await _answers.Reader.ReadAsync(timer.Token).ConfigureAwait(false);
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
            _io.Post(new IoCommand.Close(this));
    }
}
