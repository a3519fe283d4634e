using System;
using System.Collections.Generic;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Vss;

/// <summary>
/// At start, before registering with the kernel: thaws what an earlier instance froze and did
/// not thaw (it was killed frozen), as named by its <see cref="FrozenRecord"/>. Only a recorded
/// filesystem still mounted at its path with the same device number is thawed; FITHAW's EINVAL
/// (not frozen) is fine. One log line says what was done, then the record is removed.
/// A lock (flock on "record.lock", held for the process's life and released by the kernel
/// when it dies, however it dies) tells a dead instance from a running one, whose freeze
/// must not be undone by a second daemon started by hand.
/// </summary>
public static class CrashThaw
{
    /// <summary>Takes the instance lock, then thaws what the record names.</summary>
    /// <returns>The lock to hold until exit, or null when another instance holds it or it
    /// cannot be taken (logged; then nothing is thawed).</returns>
    public static IDisposable? Run(FrozenRecord record, IFreezeOps ops, Logger log)
    {
        FileDescriptor? held = TakeLock(record.Path + ".lock", log);
        if (held is null) return null;
        ThawRecorded(record, ops, log);
        return held;
    }

    /// <summary>The thaw alone, for tests and for callers that hold the lock.</summary>
    public static void ThawRecorded(FrozenRecord record, IFreezeOps ops, Logger log)
    {
        if (record.Load(out List<FrozenFilesystem> entries) == RecordState.Missing) return;
        var thawed = new List<string>();
        var notFrozen = new List<string>();
        var elsewhere = new List<string>();
        var failed = new List<string>();
        foreach (FrozenFilesystem fs in entries)
        {
            if (record.DeviceOf(fs.MountPoint) is not { } now || now != (fs.Major, fs.Minor))
            {
                elsewhere.Add(fs.ToString());
                continue;
            }
            Errno e = ops.Open(fs.MountPoint, out IMountHandle? handle);
            if (e == 0)
            {
                e = handle!.Thaw();
                handle.Dispose();
            }
            if (e == 0) thawed.Add(fs.MountPoint);
            else if (e == Errno.EINVAL) notFrozen.Add(fs.MountPoint);
            else failed.Add(fs.MountPoint + " (error " + Errno.Describe(e) + ")");
        }
        if (entries.Count > 0) log.Write(failed.Count > 0 ? LogLevel.Err : thawed.Count > 0 ? LogLevel.Warning : LogLevel.Info,
                                         Summary(thawed, notFrozen, elsewhere, failed));
        record.Clear();
    }

    static string Summary(List<string> thawed, List<string> notFrozen, List<string> elsewhere, List<string> failed)
    {
        var parts = new List<string>();
        if (thawed.Count > 0) parts.Add("thawed " + string.Join(", ", thawed));
        if (failed.Count > 0) parts.Add("could not thaw " + string.Join(", ", failed));
        if (notFrozen.Count > 0) parts.Add("not frozen any more: " + string.Join(", ", notFrozen));
        if (elsewhere.Count > 0) parts.Add("not mounted there any more, left alone: " + string.Join(", ", elsewhere));
        return "VSS: an earlier instance died with file systems frozen; " + string.Join("; ", parts);
    }

    static FileDescriptor? TakeLock(string lockPath, Logger log)
    {
        string dir = System.IO.Path.GetDirectoryName(lockPath) is { Length: > 0 } d ? d : ".";
        SysResult r = Posix.Mkdir(dir, 0x1C0 /* 0700 */);
        FileDescriptor? fd = null;
        if (r.Ok || r.Error == Errno.EEXIST)
            r = Posix.Open(lockPath, Posix.O_RDWR | Posix.O_CREAT | Posix.O_NOFOLLOW, 0x180 /* 0600 */, out fd);
        if (!r.Ok)
        {
            fd?.Dispose();
            log.Err("VSS: cannot open " + lockPath + "; error: " + Errno.Describe(r.Error)
                    + " (what a killed instance left frozen is not thawed)");
            return null;
        }
        r = FileOps.Flock(fd!, FileOps.LockExclusive | FileOps.LockNonBlocking);
        if (r.Ok) return fd;
        fd!.Dispose();
        if (r.Error == Errno.EAGAIN)
            log.Info("VSS: another instance holds " + lockPath + "; leaving what it froze alone");
        else
            log.Err("VSS: cannot lock " + lockPath + "; error: " + Errno.Describe(r.Error));
        return null;
    }
}
