// The tests start processes, send POSIX signals and change Unix file modes: not for Windows.
[assembly: System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
