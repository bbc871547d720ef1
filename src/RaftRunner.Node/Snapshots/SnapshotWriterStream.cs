using System.Buffers;
using RaftRunner.Storage.Snapshots;

namespace RaftRunner.Node.Snapshots;

/// <summary>
/// A write-only, forward-only stream that appends to a <see cref="SnapshotWriter"/>'s data, gathering small writes
/// into one buffer so a state machine that writes a few bytes at a time does not make a system call each time.
/// Memory stays at one buffer whatever the snapshot's size. <see cref="CompleteAsync"/> (or disposing) writes what
/// is buffered; the caller then installs the writer. Not thread-safe, like the writer.
/// </summary>
internal sealed class SnapshotWriterStream : Stream
{
    private readonly SnapshotWriter _writer;
    private byte[]? _buffer;
    private int _used;

    public SnapshotWriterStream(SnapshotWriter writer, int bufferSize = 1 << 16)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentOutOfRangeException.ThrowIfLessThan(bufferSize, 1);
        _writer = writer;
        _buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
    }

    public override bool CanRead => false;

    public override bool CanSeek => false;

    public override bool CanWrite => _buffer is not null;

    /// <summary>Bytes written through this stream and before it (the writer's data so far, buffered bytes included).</summary>
    public override long Length => _writer.BytesWritten + _used;

    public override long Position
    {
        get => Length;
        set => throw new NotSupportedException("a snapshot is written front to back");
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> data)
    {
        var buffer = Buffer();
        while (!data.IsEmpty)
        {
            if (_used == 0 && data.Length >= buffer.Length)
            {
                _writer.Write(data);
                return;
            }
            var take = Math.Min(data.Length, buffer.Length - _used);
            data[..take].CopyTo(buffer.AsSpan(_used));
            _used += take;
            data = data[take..];
            if (_used == buffer.Length)
                FlushBuffer();
        }
    }

    public override async ValueTask WriteAsync(ReadOnlyMemory<byte> data, CancellationToken cancellationToken = default)
    {
        var buffer = Buffer();
        while (!data.IsEmpty)
        {
            if (_used == 0 && data.Length >= buffer.Length)
            {
                await WriteChunkAsync(data, cancellationToken).ConfigureAwait(false);
                return;
            }
            var take = Math.Min(data.Length, buffer.Length - _used);
            data.Span[..take].CopyTo(buffer.AsSpan(_used));
            _used += take;
            data = data[take..];
            if (_used == buffer.Length)
                await FlushBufferAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void WriteByte(byte value) => Write([value]);

    /// <summary>
    /// Nothing: a snapshot is made durable once, by <see cref="SnapshotWriter.Install"/> (the writer itself pushes written
    /// data to the device every <see cref="SnapshotWriter.WritebackInterval"/> bytes, so that final fdatasync is short).
    /// Buffered bytes stay buffered until the buffer fills or <see cref="CompleteAsync"/>.
    /// </summary>
    public override void Flush() { }

    public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Writes what is buffered; afterwards the stream takes no more writes. Safe to call after the state machine disposed the stream.</summary>
    public async ValueTask CompleteAsync(CancellationToken ct)
    {
        if (_buffer is null)
            return;
        await FlushBufferAsync(ct).ConfigureAwait(false);
        Release();
    }

    /// <summary>Drops what is buffered without writing it (the snapshot is being abandoned); idempotent.</summary>
    public void Abandon() => Release();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException("a snapshot is written front to back");

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing && _buffer is not null)
        {
            try
            {
                FlushBuffer();
            }
            finally
            {
                Release();
            }
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        if (_buffer is not null)
        {
            try
            {
                await FlushBufferAsync(CancellationToken.None).ConfigureAwait(false);
            }
            finally
            {
                Release();
            }
        }
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private byte[] Buffer() => _buffer ?? throw new ObjectDisposedException(nameof(SnapshotWriterStream));

    private void FlushBuffer()
    {
        if (_used == 0)
            return;
        _writer.Write(_buffer.AsSpan(0, _used));
        _used = 0;
    }

    private async ValueTask FlushBufferAsync(CancellationToken ct)
    {
        if (_used == 0)
            return;
        await WriteChunkAsync(_buffer.AsMemory(0, _used), ct).ConfigureAwait(false);
        _used = 0;
    }

    private async ValueTask WriteChunkAsync(ReadOnlyMemory<byte> data, CancellationToken ct)
    {
        if (!await _writer.TryWriteChunkAsync(_writer.BytesWritten, data, ct).ConfigureAwait(false))
            throw new InvalidOperationException("the snapshot writer was written to by someone else meanwhile");
    }

    private void Release()
    {
        if (_buffer is { } buffer)
        {
            _buffer = null;
            _used = 0;
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }
}
