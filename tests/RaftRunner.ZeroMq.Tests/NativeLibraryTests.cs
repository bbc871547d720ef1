using System.Runtime.InteropServices;
using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq.Tests;

public sealed class NativeLibraryTests
{
    [Fact]
    public void Loaded_libzmq_is_version_4_3_or_later()
    {
        var (major, minor, patch) = ZmqNative.Version;

        Assert.True(major > 4 || (major == 4 && minor >= 3), $"libzmq {major}.{minor}.{patch}");
    }

    [Fact]
    public void Loaded_libzmq_has_curve() => Assert.True(ZmqNative.HasCurve);

    [Fact]
    public void Missing_library_message_lists_what_was_tried_and_what_to_install()
    {
        var result = ZmqLibrary.Load(["libzmq-missing.so.99", "libzmq-missing.so"]);

        Assert.Equal(0, result.Handle);
        Assert.Equal(
            "libzmq 4.3 was not found (tried: libzmq-missing.so.99, libzmq-missing.so). Install it: " +
            "Debian/Ubuntu 'apt-get install libzmq5', Fedora 'dnf install zeromq', macOS 'brew install zeromq'.",
            result.Error);
    }

    [Fact]
    public void Linux_candidates_start_with_the_runtime_package_soname()
    {
        if (!OperatingSystem.IsLinux())
            return;
        Assert.Equal(["libzmq.so.5", "libzmq.so"], ZmqLibrary.Candidates());
    }

    [Fact]
    public unsafe void Zmq_msg_t_is_64_pointer_aligned_bytes()
    {
        Assert.Equal(64, sizeof(ZmqMsg));
        ZmqMsg local;
        Assert.Equal(0, (nint)(&local) % sizeof(nint));
    }

    [Fact]
    public unsafe void Poll_item_layout_matches_zmq_h()
    {
        if (OperatingSystem.IsWindows())
        {
            Assert.Equal(nint.Size == 8 ? 24 : 12, sizeof(PollItemWindows));
            return;
        }
        // { void *socket; int fd; short events; short revents; }
        Assert.Equal(nint.Size == 8 ? 16 : 12, sizeof(PollItem));
        Assert.Equal(0, (int)Marshal.OffsetOf<PollItem>(nameof(PollItem.Socket)));
        Assert.Equal(nint.Size, (int)Marshal.OffsetOf<PollItem>(nameof(PollItem.Fd)));
        Assert.Equal(nint.Size + 4, (int)Marshal.OffsetOf<PollItem>(nameof(PollItem.Events)));
        Assert.Equal(nint.Size + 6, (int)Marshal.OffsetOf<PollItem>(nameof(PollItem.Revents)));
    }

    [Fact]
    public void Error_codes_match_the_text_libzmq_gives_them()
    {
        ZmqLibrary.EnsureLoaded();

        Assert.Equal("Address already in use", ZmqError.StrError(ZmqErrorCode.AddressInUse));
        Assert.Equal("Host unreachable", ZmqError.StrError(ZmqErrorCode.HostUnreachable));
        Assert.Equal("Resource temporarily unavailable", ZmqError.StrError(ZmqErrorCode.Again));
        Assert.Equal("Context was terminated", ZmqError.StrError(ZmqErrorCode.Terminated));
        Assert.Equal("EADDRINUSE", ZmqErrorCode.NameOf(ZmqErrorCode.AddressInUse));
    }
}
