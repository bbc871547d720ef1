namespace RaftRunner.Node.Snapshots;

/// <summary>
/// The state machine's part of a snapshot's data: a read-only view of <c>inner</c> from the end of the envelope
/// to the end. Over a seekable stream it starts at a fixed position and can seek and tell its length; over a
/// forward-only stream it first replays the bytes the envelope reader had to look at (a foreign snapshot's
/// first bytes), then reads on. Disposing it leaves <c>inner</c> open.
/// </summary>
internal sealed class SnapshotStateStream : Stream
{
    private readonly Stream _inner;
    private readonly long _start;
    private readonly byte[] _replay;
    private int _replayed;
    private long _position;
    private bool _disposed;

    /// <summary>A view of seekable <paramref name="inner"/> from <paramref name="start"/> to its end.</summary>
    public SnapshotStateStream(Stream inner, long start)
    {
        _inner = inner;
        _start = start;
        _replay = [];
    }

    /// <summary>A forward-only view: <paramref name="replay"/>, then whatever <paramref name="inner"/> yields next.</summary>
    public SnapshotStateStream(Stream inner, byte[] replay)
    {
        _inner = inner;
        _start = -1;
        _replay = replay;
    }

    public override bool CanRead => !_disposed;

    public override bool CanSeek => !_disposed && _start >= 0;

    public override bool CanWrite => false;

    public override long Length => CanSeek ? _inner.Length - _start : throw new NotSupportedException("the snapshot data stream cannot seek");

    public override long Position
    {
        get => _position;
        set => Seek(value, SeekOrigin.Begin);
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
            return 0;
        if (TryReplay(buffer, out var replayed))
            return replayed;
        PositionInner();
        var read = _inner.Read(buffer);
        _position += read;
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (buffer.IsEmpty)
            return 0;
        if (TryReplay(buffer.Span, out var replayed))
            return replayed;
        PositionInner();
        var read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        _position += read;
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override long Seek(long offset, SeekOrigin origin)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (!CanSeek)
            throw new NotSupportedException("the snapshot data stream cannot seek");
        var target = origin switch
        {
            SeekOrigin.Begin => offset,
            SeekOrigin.Current => _position + offset,
            SeekOrigin.End => Length + offset,
            _ => throw new ArgumentOutOfRangeException(nameof(origin)),
        };
        ArgumentOutOfRangeException.ThrowIfNegative(target, nameof(offset));
        return _position = target;
    }

    public override void Flush() { }

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        _disposed = true;
        base.Dispose(disposing);
    }

    private bool TryReplay(Span<byte> buffer, out int count)
    {
        count = Math.Min(buffer.Length, _replay.Length - _replayed);
        if (count == 0)
            return false;
        _replay.AsSpan(_replayed, count).CopyTo(buffer);
        _replayed += count;
        _position += count;
        return true;
    }

    // Someone else may have moved a shared seekable stream; reads always continue where this view stands.
    private void PositionInner()
    {
        if (_start >= 0 && _inner.Position != _start + _position)
            _inner.Position = _start + _position;
    }
}
