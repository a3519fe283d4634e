using System;
using System.Collections.Generic;
using HvDaemons.Os;
using HvDaemons.Vss;

namespace HvDaemons.Tests.VssDriver;

/// <summary>Looks at and undoes freezes, only on filesystems of devices the test created.</summary>
static class FreezeProbe
{
    /// <summary>Whether <paramref name="mountPoint"/> is frozen: our own FIFREEZE says EBUSY if so
    /// (and if not, we thaw at once). Only for filesystems whose freeze cannot block on another.</summary>
    public static string Probe(string mountPoint, ICollection<string> allowed)
    {
        SysResult r = Posix.Open(mountPoint, Posix.O_RDONLY, 0, out FileDescriptor fd);
        if (!r.Ok) return "err open " + r.Error;
        using (fd)
        {
            // The mount check vouched for every mount; this makes sure the path is one of them.
            if (!OnTestDevice(mountPoint, allowed)) return "err " + mountPoint + " is not a mount of a device the test created";
            r = FsFreeze.Freeze(fd);
            if (r.Ok) { FsFreeze.Thaw(fd); return "ok free"; }
            return r.Error == Errno.EBUSY ? "ok frozen" : "ok error " + r.Error;
        }
    }

    /// <summary>Whether the last mount at <paramref name="mountPoint"/> has a test device as its
    /// source (by st_rdev; btrfs reports an anonymous st_dev, so the filesystem's cannot tell).</summary>
    static bool OnTestDevice(string mountPoint, ICollection<string> allowed)
    {
        if (!MountTable.TryRead("/proc/mounts", out List<MountEntry> mounts, out _)) return false;
        MountEntry? m = mounts.FindLast(e => e.MountPoint == mountPoint);
        return m is not null && m.Source.StartsWith("/dev/", StringComparison.Ordinal)
            && DeviceNumbers.Stat(m.Source, out DeviceNumber dev).Ok && allowed.Contains(dev.ToString());
    }

    /// <summary>FITHAW on every mount of a device the test created, innermost first; how many thawed.</summary>
    public static int ThawAll(ICollection<string> allowed)
    {
        if (!MountTable.TryRead("/proc/mounts", out List<MountEntry> mounts, out _)) return -1;
        int thawed = 0;
        for (int i = mounts.Count - 1; i >= 0; i--)
        {
            MountEntry m = mounts[i];
            if (!m.Source.StartsWith("/dev/", StringComparison.Ordinal)) continue;
            if (!DeviceNumbers.Stat(m.Source, out DeviceNumber dev).Ok || !allowed.Contains(dev.ToString())) continue;
            if (!Posix.Open(m.MountPoint, Posix.O_RDONLY, 0, out FileDescriptor fd).Ok) { fd.Dispose(); continue; }
            using (fd) if (FsFreeze.Thaw(fd).Ok) thawed++;
        }
        return thawed;
    }
}
