using System;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Pool;

/// <summary>
/// One pool file on disk, opened once and kept open. All reads and writes go through this one
/// descriptor while it holds the locks: a POSIX record lock is dropped when the process closes
/// ANY descriptor of the file, so opening the file a second time (as upstream does for its I/O)
/// would silently unlock it.
/// </summary>
internal sealed class PoolFile : IDisposable
{
    const uint FileMode = 0x1A4;       // 0644
    const uint DirectoryMode = 0x1ED;  // 0755

    FileDescriptor? _fd;

    public PoolFile(string directory, int pool)
    {
        Directory = directory;
        Path = PathFor(directory, pool);
    }

    /// <summary>Upstream's name for pool <paramref name="pool"/>'s file in <paramref name="directory"/>.</summary>
    public static string PathFor(string directory, int pool) => directory + "/.kvp_pool_" + pool;

    public string Directory { get; }
    public string Path { get; }
    public bool IsOpen => _fd is not null;

    /// <summary>False when the file could only be opened read-only (read-only filesystem).</summary>
    public bool Writable { get; private set; }

    /// <summary>Opens the file, creating it (and its directory) 0644/0755 when missing.
    /// An existing file keeps its mode and owner. ENOENT means "no file and cannot create it".</summary>
    public SysResult Open()
    {
        if (_fd is not null) return SysResult.Success();
        SysResult r = Posix.Open(Path, Posix.O_RDWR, 0, out FileDescriptor fd);
        if (!r.Ok && r.Error == Errno.ENOENT)
        {
            if (!System.IO.Directory.Exists(Directory)) Posix.Mkdir(Directory, DirectoryMode);
            fd.Dispose();
            r = Posix.Open(Path, Posix.O_RDWR | Posix.O_CREAT | Posix.O_EXCL, FileMode, out fd);
            if (r.Ok)
                Tmds.Linux.LibC.fchmod(fd.Fd, (Tmds.Linux.mode_t)FileMode); // undo the umask, as documented
            else if (r.Error == Errno.EEXIST)
            {
                fd.Dispose();
                r = Posix.Open(Path, Posix.O_RDWR, 0, out fd);
            }
        }
        Writable = r.Ok;
        if (!r.Ok && (r.Error == Errno.EROFS || r.Error == Errno.EACCES || r.Error == Errno.EPERM))
        {
            fd.Dispose();
            r = Posix.Open(Path, Posix.O_RDONLY, 0, out fd);
        }
        if (!r.Ok)
        {
            fd.Dispose();
            return r;
        }
        _fd = fd;
        return SysResult.Success();
    }

    public void Close()
    {
        _fd?.Dispose();
        _fd = null;
    }

    FileDescriptor Fd => _fd ?? throw new InvalidOperationException("pool file not open");

    /// <summary>
    /// One non-blocking try at both locks: flock(LOCK_EX), which cloud-init and azure-init use,
    /// then the whole-file fcntl lock upstream uses (a write lock; a read lock on a read-only
    /// file). Never holds one while waiting for the other, so no order in which other programs
    /// take them can deadlock with us. On contention (EAGAIN/EACCES) nothing is held and
    /// <paramref name="busy"/> names the lock ("flock" or "fcntl"); the caller retries.
    /// </summary>
    public SysResult TryLock(out string busy)
    {
        busy = "flock";
        SysResult f = FileOps.Flock(Fd, FileOps.LockExclusive | FileOps.LockNonBlocking);
        if (!f.Ok) return f;
        busy = "fcntl";
        SysResult r = FileOps.RecordLock(Fd, Writable ? FileOps.WriteLock : FileOps.ReadLock, wait: false);
        if (!r.Ok) FileOps.Flock(Fd, FileOps.LockRelease);
        return r;
    }

    public SysResult Unlock()
    {
        SysResult r = FileOps.RecordLock(Fd, FileOps.Unlock, wait: false);
        SysResult f = FileOps.Flock(Fd, FileOps.LockRelease);
        return r.Ok ? f : r;
    }

    public SysResult Stamp(out FileStamp stamp) => FileOps.Fstat(Fd, out stamp);

    /// <summary>Reads up to buffer.Length bytes from offset 0; fewer only at end of file.</summary>
    public SysResult ReadAll(Span<byte> buffer)
    {
        int done = 0;
        while (done < buffer.Length)
        {
            SysResult r = Posix.PRead(Fd, buffer[done..], done);
            if (!r.Ok) return r;
            if (r.Value == 0) break;
            done += (int)r.Value;
        }
        return SysResult.Success(done);
    }

    public SysResult WriteAt(ReadOnlySpan<byte> bytes, long offset) => Posix.PWriteAll(Fd, bytes, offset);

    public SysResult Truncate(long length) => Posix.Ftruncate(Fd, length);

    public SysResult Fdatasync() => Posix.Fdatasync(Fd);

    public SysResult SetMtime(long sec, long nsec) => FileOps.SetMtime(Fd, sec, nsec);

    public void Dispose() => Close();
}
