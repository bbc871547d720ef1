using System.Buffers;
using System.Collections;

namespace RaftRunner.ZeroMq;

/// <summary>
/// The frames of one multipart message, stored back to back in a single array rented from
/// <see cref="ArrayPool{T}.Shared"/>. Receiving copies each frame out of libzmq's buffer once, into this
/// array; the object can be reused for the next receive so a busy loop allocates nothing per message.
/// </summary>
/// <remarks>
/// Ownership: the <see cref="ReadOnlyMemory{T}"/> values the indexer hands out point into the rented
/// array. They stay valid until the next <see cref="Add"/>, <see cref="Clear"/>, receive into this
/// message, or <see cref="Dispose"/> — after that the array may be back in the pool and reused by anyone.
/// Copy (ToArray) what must outlive the message. Not thread-safe.
/// </remarks>
public sealed class ZmqMessage : IReadOnlyList<ReadOnlyMemory<byte>>, IDisposable
{
    private const int MinimumBuffer = 256;
    private byte[] _buffer = [];
    private Frame[] _frames = new Frame[4];
    private int _count;
    private int _used;

    public int Count => _count;

    /// <summary>Total bytes over all frames.</summary>
    public int ByteCount => _used;

    public ReadOnlyMemory<byte> this[int index]
    {
        get
        {
            if ((uint)index >= (uint)_count)
                throw new ArgumentOutOfRangeException(nameof(index), index, $"The message has {_count} frames.");
            var frame = _frames[index];
            return new ReadOnlyMemory<byte>(_buffer, frame.Offset, frame.Length);
        }
    }

    /// <summary>Appends a copy of <paramref name="frame"/> as the next frame.</summary>
    public void Add(ReadOnlySpan<byte> frame) => frame.CopyTo(Append(frame.Length));

    /// <summary>Removes every frame but keeps the buffer for reuse.</summary>
    public void Clear()
    {
        _count = 0;
        _used = 0;
    }

    /// <summary>Returns the buffer to the pool. The message is empty afterwards and may still be reused.</summary>
    public void Dispose()
    {
        Clear();
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(buffer);
    }

    public IEnumerator<ReadOnlyMemory<byte>> GetEnumerator()
    {
        for (var i = 0; i < _count; i++)
            yield return this[i];
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    /// <summary>Adds a frame of <paramref name="length"/> bytes and returns its storage to fill in.</summary>
    internal Span<byte> Append(int length)
    {
        var end = checked(_used + length);
        if (end > _buffer.Length)
            Grow(end);
        if (_count == _frames.Length)
            Array.Resize(ref _frames, _count * 2);
        _frames[_count++] = new Frame(_used, length);
        var storage = _buffer.AsSpan(_used, length);
        _used = end;
        return storage;
    }

    private void Grow(int required)
    {
        var size = Math.Max(required, Math.Max(MinimumBuffer, _buffer.Length * 2));
        var bigger = ArrayPool<byte>.Shared.Rent(size);
        _buffer.AsSpan(0, _used).CopyTo(bigger);
        if (_buffer.Length > 0)
            ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = bigger;
    }

    private readonly record struct Frame(int Offset, int Length);
}
