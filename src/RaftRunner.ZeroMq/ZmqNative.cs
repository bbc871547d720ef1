using RaftRunner.ZeroMq.Native;

namespace RaftRunner.ZeroMq;

/// <summary>Facts about the loaded libzmq. Each member throws a <see cref="ZmqException"/> naming the package to install when libzmq is missing.</summary>
public static class ZmqNative
{
    /// <summary>The runtime version of libzmq (zmq_version), which may differ from the header the binding was written against.</summary>
    public static (int Major, int Minor, int Patch) Version
    {
        get
        {
            ZmqLibrary.EnsureLoaded();
            LibZmq.zmq_version(out var major, out var minor, out var patch);
            return (major, minor, patch);
        }
    }

    /// <summary>Whether libzmq was built with CURVE security (zmq_has("curve")); Debian's libzmq5 is.</summary>
    public static bool HasCurve => Has("curve");

    /// <summary>zmq_has: "ipc", "pgm", "tipc", "norm", "curve", "gssapi", "draft".</summary>
    public static bool Has(string capability)
    {
        ArgumentNullException.ThrowIfNull(capability);
        ZmqLibrary.EnsureLoaded();
        return LibZmq.zmq_has(capability) != 0;
    }
}
