using Microsoft.Win32.SafeHandles;
using RaftRunner.Storage.Persistence;

namespace RaftRunner.Storage.Tests.Snapshots;

/// <summary>
/// A <see cref="StorageIo"/> that fails on demand the way a full or broken disk does: a write that stores only
/// part of its bytes and then reports ENOSPC, or an fdatasync that reports EIO.
/// </summary>
internal sealed class FaultyIo : StorageIo
{
    /// <summary>Fail the next write (after writing half of it) when set.</summary>
    public bool FailNextWrite { get; set; }

    /// <summary>Fail the next fdatasync when set.</summary>
    public bool FailNextSync { get; set; }

    public int Writes { get; private set; }

    public int Syncs { get; private set; }

    public override void Write(SafeFileHandle handle, string path, ReadOnlySpan<byte> data, long offset)
    {
        Writes++;
        if (FailNextWrite)
        {
            FailNextWrite = false;
            base.Write(handle, path, data[..(data.Length / 2)], offset);
            throw new StorageException(path, offset + data.Length / 2, "cannot write: No space left on device (injected ENOSPC)", new IOException("No space left on device"));
        }
        base.Write(handle, path, data, offset);
    }

    public override ValueTask WriteAsync(SafeFileHandle handle, string path, ReadOnlyMemory<byte> data, long offset, CancellationToken cancellationToken)
    {
        Write(handle, path, data.Span, offset);
        return ValueTask.CompletedTask;
    }

    public override void DataSync(SafeFileHandle handle, string path)
    {
        Syncs++;
        if (FailNextSync)
        {
            FailNextSync = false;
            throw new StorageException(path, null, "fdatasync failed: Input/output error (injected EIO)");
        }
        base.DataSync(handle, path);
    }
}

/// <summary>A small tmpfs mounted for one test (root only), to get real ENOSPC from the kernel.</summary>
internal sealed class SmallTmpfs : IDisposable
{
    private SmallTmpfs(string path) => Path = path;

    public string Path { get; }

    /// <summary>Mounts a tmpfs of <paramref name="size"/> (e.g. "64k") at a new directory under <paramref name="parent"/>; null with a reason when it cannot.</summary>
    public static SmallTmpfs? TryMount(string parent, string size, out string? whyNot)
    {
        whyNot = null;
        if (!OperatingSystem.IsLinux())
        {
            whyNot = "tmpfs mounts need Linux";
            return null;
        }
        if (Environment.UserName != "root")
        {
            whyNot = $"mounting a tmpfs needs root (running as {Environment.UserName})";
            return null;
        }
        var path = System.IO.Path.Combine(parent, "tmpfs");
        Directory.CreateDirectory(path);
        var result = ZmqRaftNodeFixture.Run("mount", ["-t", "tmpfs", "-o", $"size={size}", "tmpfs", path], TimeSpan.FromSeconds(20));
        if (result.ExitCode != 0)
        {
            whyNot = $"mount -t tmpfs failed ({result.ExitCode}): {result.StandardError.Trim()}";
            return null;
        }
        return new SmallTmpfs(path);
    }

    /// <summary>Fills the file system up, then frees <paramref name="leave"/> bytes (rounded by the kernel to pages).</summary>
    public string Fill(long leave)
    {
        var filler = System.IO.Path.Combine(Path, "filler");
        using var handle = File.OpenHandle(filler, FileMode.Create, FileAccess.ReadWrite);
        var block = new byte[4096];
        Array.Fill(block, (byte)0x5a);
        long length = 0;
        while (true)
        {
            try
            {
                RandomAccess.Write(handle, block, length);
                length += block.Length;
            }
            catch (IOException)
            {
                break;
            }
        }
        if (leave > 0)
            RandomAccess.SetLength(handle, Math.Max(0, length - leave));
        return filler;
    }

    public void Dispose()
    {
        ZmqRaftNodeFixture.Run("umount", [Path], TimeSpan.FromSeconds(20));
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException) { }
    }
}
