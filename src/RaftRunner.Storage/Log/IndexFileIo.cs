using Microsoft.Win32.SafeHandles;
using RaftRunner.Storage.Files;

namespace RaftRunner.Storage.Log;

/// <summary>
/// The index files' fdatasync as a seam, and the entry-data limit of a file: tests hold a sync to see what readers
/// do meanwhile, and fill files by data with a small limit instead of writing 1 GiB.
/// </summary>
internal class IndexFileIo
{
    public static readonly IndexFileIo Default = new();

    /// <summary>
    /// Bytes of entry data one index file may hold (<see cref="IndexFileFormat.MaxDataSize"/>, zmq-raft's
    /// MAX_DATASIZE). Only tests lower it; a file filled up to it is followed by the next one.
    /// </summary>
    public virtual long MaxDataSize => IndexFileFormat.MaxDataSize;

    /// <summary>fdatasync of an index file (<see cref="FileSync.DataSync"/>).</summary>
    public virtual void DataSync(SafeFileHandle handle, string path) => FileSync.DataSync(handle, path);
}
