using System;
using System.Collections.Generic;
using HvDaemons.Testing.Freeze;
using HvDaemons.Vss;
using HvDaemons.Os;
using Tmds.Linux;

namespace HvDaemons.Tests.VssDriver;

/// <summary>
/// The guard before anything in a freeze sandbox may freeze: after pivot_root the old root (the
/// machine's own filesystems) is detached, then every mount left must be one the test made
/// (<see cref="SandboxMountCheck"/>). The caller stops at the first error.
/// </summary>
static unsafe class MountGuard
{
    const string OldRoot = "/.oldroot";

    /// <summary>Lazily unmounts the old root pivot_root left at /.oldroot; an error text or null.</summary>
    public static string? DetachOldRoot()
    {
        byte[] old = NativeString.Utf8z(OldRoot);
        fixed (byte* p = old)
        {
            if (LibC.umount2(p, LibC.MNT_DETACH) != 0)
            {
                // Gone already: a second program exec'd into the same root (a restarted daemon).
                // The mount check that follows is what decides.
                if (Errno.Last is Errno.ENOENT or Errno.EINVAL) return null;
                return "umount old root: " + Errno.Describe(Errno.Last);
            }
            LibC.rmdir(p);
        }
        return null;
    }

    /// <summary>Checks this namespace's /proc/mounts: "safe N mounts" or "unsafe ..." (then <paramref name="safe"/> is false).</summary>
    public static string Check(ICollection<string> allowed, out bool safe)
    {
        safe = false;
        if (!MountTable.TryRead("/proc/mounts", out List<MountEntry> mounts, out string error))
            return "unsafe cannot read /proc/mounts: " + error;
        List<string> bad = SandboxMountCheck.Violations(mounts, allowed, DeviceNumbers.Stat, DeviceNumbers.StatFilesystem);
        if (bad.Count > 0) return "unsafe " + string.Join("; ", bad);
        safe = true;
        return "safe " + mounts.Count + " mounts";
    }

    /// <summary>The allowed devices from "M:m,M:m".</summary>
    public static string[] ParseAllowed(string list) => list.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
