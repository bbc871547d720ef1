using System.Reflection;
using System.Runtime.InteropServices;

namespace RaftRunner.ZeroMq.Native;

/// <summary>
/// Finds libzmq. Distributions ship it under different names (Debian's runtime package has only
/// libzmq.so.5, not the unversioned libzmq.so that the default probing would look for; Homebrew installs
/// outside the default search path; Windows builds carry the toolset and version in the name), so the
/// candidates are tried in order and the first that loads is handed to every [LibraryImport].
/// </summary>
internal static class ZmqLibrary
{
    internal const string InstallHint =
        "Install it: Debian/Ubuntu 'apt-get install libzmq5', Fedora 'dnf install zeromq', macOS 'brew install zeromq'.";

    private static readonly Lazy<LoadResult> s_load = new(() => Load(Candidates()), LazyThreadSafetyMode.ExecutionAndPublication);

    /// <summary>Throws a <see cref="ZmqException"/> that says what to install when libzmq 4.3+ cannot be loaded.</summary>
    internal static void EnsureLoaded()
    {
        var result = s_load.Value;
        if (result.Error is not null)
            throw new ZmqException(result.Error, 0);
    }

    internal static void RegisterResolver() =>
        NativeLibrary.SetDllImportResolver(typeof(ZmqLibrary).Assembly, Resolve);

    private static nint Resolve(string libraryName, Assembly assembly, DllImportSearchPath? searchPath) =>
        libraryName == LibZmq.Name ? s_load.Value.Handle : 0;

    internal static IReadOnlyList<string> Candidates()
    {
        if (OperatingSystem.IsWindows())
        {
            var names = new List<string> { "libzmq.dll" };
            foreach (var version in new[] { "4_3_5", "4_3_4" })
            {
                foreach (var toolset in new[] { "v143", "v142", "v141", "v140" })
                    names.Add($"libzmq-{toolset}-mt-{version}.dll");
                names.Add($"libzmq-mt-{version}.dll");
            }
            return names;
        }
        if (OperatingSystem.IsMacOS())
        {
            return
            [
                "libzmq.5.dylib", "libzmq.dylib",
                "/opt/homebrew/lib/libzmq.5.dylib", "/opt/homebrew/lib/libzmq.dylib",
                "/usr/local/lib/libzmq.5.dylib", "/usr/local/lib/libzmq.dylib",
            ];
        }
        return ["libzmq.so.5", "libzmq.so"];
    }

    internal static LoadResult Load(IReadOnlyList<string> candidates)
    {
        foreach (var candidate in candidates)
        {
            var loaded = Path.IsPathRooted(candidate)
                ? NativeLibrary.TryLoad(candidate, out var handle)
                : NativeLibrary.TryLoad(candidate, typeof(ZmqLibrary).Assembly, null, out handle);
            if (!loaded)
                continue;
            var (major, minor, patch) = VersionOf(handle);
            if (major > 4 || (major == 4 && minor >= 3))
                return new LoadResult(handle, null);
            NativeLibrary.Free(handle);
            return new LoadResult(0,
                $"libzmq 4.3 or later is required but '{candidate}' is {major}.{minor}.{patch}. {InstallHint}");
        }
        return new LoadResult(0, NotFoundMessage(candidates));
    }

    internal static string NotFoundMessage(IEnumerable<string> tried) =>
        $"libzmq 4.3 was not found (tried: {string.Join(", ", tried)}). {InstallHint}";

    // Called before the resolver hands the library out, so through the export rather than LibZmq.
    private static unsafe (int Major, int Minor, int Patch) VersionOf(nint library)
    {
        if (!NativeLibrary.TryGetExport(library, "zmq_version", out var export))
            return (0, 0, 0);
        int major, minor, patch;
        ((delegate* unmanaged<int*, int*, int*, void>)export)(&major, &minor, &patch);
        return (major, minor, patch);
    }

    internal sealed record LoadResult(nint Handle, string? Error);
}
