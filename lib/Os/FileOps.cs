using System;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>
/// File calls the KVP pools need beyond <see cref="Posix"/>: stat by fd and by path (through
/// <see cref="FileStat"/>), both lock kinds, explicit mtime, mode changes. Each returns a <see cref="SysResult"/>; EINTR is
/// retried here.
/// </summary>
public static unsafe class FileOps
{
    public static SysResult Fstat(FileDescriptor fd, out FileStamp stamp)
    {
        SysResult r = FileStat.Fields(fd, out StatxFields f);
        stamp = r.Ok ? FileStamp.From(f) : default;
        return r;
    }

    public static SysResult Stat(string path, out FileStamp stamp, out uint mode)
    {
        SysResult r = FileStat.Fields(path, followSymlinks: true, out StatxFields f);
        stamp = r.Ok ? FileStamp.From(f) : default;
        mode = r.Ok ? f.Mode : 0;
        return r;
    }

    /// <summary>Whole-file POSIX record lock, blocking (F_SETLKW) or not (F_SETLK).
    /// <paramref name="type"/> is F_WRLCK, F_RDLCK or F_UNLCK.</summary>
    public static SysResult RecordLock(FileDescriptor fd, short type, bool wait)
    {
        flock fl = default;
        fl.l_type = type;
        fl.l_whence = (short)LibC.SEEK_SET;
        fl.l_start = 0;
        fl.l_len = 0;
        int cmd = wait ? LibC.F_SETLKW : LibC.F_SETLK;
        while (true)
        {
            if (LibC.fcntl(fd.Fd, cmd, &fl) == 0) return SysResult.Success();
            Errno e = Errno.Last;
            if (e != Errno.EINTR) return SysResult.Fail(e);
        }
    }

    public static short WriteLock => (short)LibC.F_WRLCK;
    public static short ReadLock => (short)LibC.F_RDLCK;
    public static short Unlock => (short)LibC.F_UNLCK;

    /// <summary>flock(2): LOCK_EX/LOCK_SH/LOCK_UN, optionally LOCK_NB.</summary>
    public static SysResult Flock(FileDescriptor fd, int operation)
    {
        while (true)
        {
            if (Interop.flock(fd.Fd, operation) == 0) return SysResult.Success();
            Errno e = Errno.LastPInvoke;
            if (e != Errno.EINTR) return SysResult.Fail(e);
        }
    }

    public const int LockExclusive = Interop.LOCK_EX;
    public const int LockShared = Interop.LOCK_SH;
    public const int LockNonBlocking = Interop.LOCK_NB;
    public const int LockRelease = Interop.LOCK_UN;

    /// <summary>Sets the modification time (access time untouched) to <paramref name="sec"/>.<paramref name="nsec"/>.</summary>
    public static SysResult SetMtime(FileDescriptor fd, long sec, long nsec)
    {
        timespec* ts = stackalloc timespec[2];
        ts[0].tv_sec = 0;
        ts[0].tv_nsec = LibC.UTIME_OMIT;
        ts[1].tv_sec = (time_t)sec;
        ts[1].tv_nsec = (long_t)nsec;
        return LibC.futimens(fd.Fd, ts) == 0 ? SysResult.Success() : SysResult.Fail(Errno.Last);
    }
}
