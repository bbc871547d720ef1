using Microsoft.Data.Sqlite;

namespace RaftRunner.StateMachines.Sqlite;

// Snapshots: the snapshot data is the database file itself (a SQLite file with its meta table), so a snapshot can be
// opened with any SQLite tool, and restoring one is replacing the file.
public sealed partial class SqliteStateMachine
{
    /// <summary>The size of the pieces snapshots are streamed in.</summary>
    internal const int ChunkSize = 256 * 1024;

    private const string SnapshotKind = "snapshot";
    private const string RestoreKind = "restore";

    private static ReadOnlySpan<byte> FileHeader => "SQLite format 3\0"u8;

    /// <summary>
    /// Copies the database as of now into a temporary file beside it with SQLite's online backup API (a consistent
    /// copy: committed commands only, <see cref="MetaTable"/> included), then streams that file in
    /// <see cref="ChunkSize"/> pieces. The live database is free while the copy streams, so entries may be applied
    /// between pieces without changing what is sent. The copy itself runs at disk speed and is not cancelled;
    /// the streaming is.
    /// </summary>
    public async ValueTask WriteSnapshotAsync(Stream destination, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(destination);
        var connection = Connection;
        var copyPath = TemporaryPath(SnapshotKind);
        try
        {
            Backup(connection, copyPath);
            using var copy = new FileStream(copyPath, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0, FileOptions.Asynchronous | FileOptions.SequentialScan);
            await copy.CopyToAsync(destination, ChunkSize, ct).ConfigureAwait(false);
        }
        finally
        {
            DeleteDatabaseFiles(copyPath);
        }
    }

    /// <summary>
    /// Replaces the database with the one <paramref name="source"/> holds (an empty stream: an empty database, the
    /// initial state). The snapshot is written to a temporary file beside the database and checked there (a SQLite
    /// file that passes <c>PRAGMA quick_check</c>; <see cref="MetaTable"/> is added if missing), so a bad one leaves the
    /// live database as it was; then the connection closes, the file is renamed over the database and reopened, and
    /// <see cref="LastAppliedIndex"/> becomes the snapshot's.
    /// </summary>
    public async ValueTask RestoreSnapshotAsync(Stream source, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(source);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var incoming = TemporaryPath(RestoreKind);
        try
        {
            long length;
            using (var file = new FileStream(incoming, FileMode.CreateNew, FileAccess.Write, FileShare.None, bufferSize: 0, FileOptions.Asynchronous))
            {
                await source.CopyToAsync(file, ChunkSize, ct).ConfigureAwait(false);
                file.Flush(flushToDisk: true);
                length = file.Length;
            }
            Check(incoming, length);
            ct.ThrowIfCancellationRequested();
            Replace(incoming);
        }
        finally
        {
            DeleteDatabaseFiles(incoming);
        }
    }

    private static void Backup(SqliteConnection source, string path)
    {
        using var target = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ToString());
        target.Open();
        source.BackupDatabase(target);
        // The copy keeps the source's WAL flag; make it a self-contained file that no -wal sidecar belongs to.
        using var command = target.CreateCommand();
        command.CommandText = "PRAGMA journal_mode = DELETE";
        command.ExecuteNonQuery();
    }

    private static void Check(string path, long length)
    {
        if (length > 0)
        {
            Span<byte> header = stackalloc byte[FileHeader.Length];
            using (var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 0))
            {
                if (file.ReadAtLeast(header, header.Length, throwOnEndOfStream: false) < header.Length || !header.SequenceEqual(FileHeader))
                    throw new InvalidDataException("the snapshot is not a SQLite database (is it another state machine's?)");
            }
        }
        try
        {
            using var connection = OpenDatabase(path, out _, out _);
            using var command = connection.CreateCommand();
            command.CommandText = "PRAGMA quick_check";
            if (command.ExecuteScalar() is not string result || result != "ok")
                throw new InvalidDataException("the snapshot's SQLite database fails PRAGMA quick_check");
        }
        catch (SqliteException e)
        {
            throw new InvalidDataException($"the snapshot is not a usable SQLite database: {e.Message}", e);
        }
    }

    private void Replace(string incoming)
    {
        var old = _connection;
        _connection = null;
        old?.Dispose(); // the last connection: checkpoints the WAL into the file and deletes it
        try
        {
            // A -wal left beside the old file would be replayed into the new one.
            DeleteSidecars(_path);
            File.Move(incoming, _path, overwrite: true);
        }
        finally
        {
            Open(); // the new database, or the old one if the move failed; if this throws, restore again
        }
    }

    private string TemporaryPath(string kind) => $"{_path}.{kind}-{Guid.NewGuid():N}.tmp";

    private void DeleteLeftovers()
    {
        var directory = Path.GetDirectoryName(_path)!;
        var name = Path.GetFileName(_path);
        foreach (var kind in (string[])[SnapshotKind, RestoreKind])
        {
            foreach (var file in Directory.EnumerateFiles(directory, $"{name}.{kind}-*.tmp*"))
                File.Delete(file);
        }
    }

    private static void DeleteDatabaseFiles(string path)
    {
        File.Delete(path);
        DeleteSidecars(path);
    }

    private static void DeleteSidecars(string path)
    {
        File.Delete(path + "-wal");
        File.Delete(path + "-shm");
        File.Delete(path + "-journal");
    }
}
