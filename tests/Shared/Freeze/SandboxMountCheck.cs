using System;
using System.Collections.Generic;
using HvDaemons.Os;
using HvDaemons.Vss;

namespace HvDaemons.Testing.Freeze;

/// <summary>
/// The guard run inside the freeze sandbox before the first FIFREEZE: every mount there must be
/// either on a block device the test created, or a filesystem without a block device at all
/// (proc, sysfs, tmpfs). Anything else, such as the machine's own disk, means the sandbox is
/// not what the test built, and freezing in it could hang the machine. Read-only mounts are not
/// exempt: FIFREEZE acts on the superblock, which a read-only bind may share with a writable one.
/// </summary>
public static class SandboxMountCheck
{
    /// <param name="allowed">major:minor of the devices the test created.</param>
    /// <param name="stat">stat() of a source: its st_rdev.</param>
    /// <param name="statFs">stat() of a mount point: its st_dev.</param>
    /// <returns>One line per offending mount; empty when the sandbox is safe.</returns>
    public static List<string> Violations(IEnumerable<MountEntry> mounts, ICollection<string> allowed,
                                          DeviceLookup stat, DeviceLookup statFs)
    {
        var bad = new List<string>();
        foreach (MountEntry m in mounts)
        {
            bool sourceAllowed = false;
            if (m.Source.StartsWith("/dev/", StringComparison.Ordinal))
            {
                SysResult r = stat(m.Source, out DeviceNumber dev);
                if (!r.Ok) bad.Add(m.MountPoint + ": cannot stat source " + m.Source + ": " + Errno.Describe(r.Error));
                else if (!allowed.Contains(dev.ToString())) bad.Add(m.MountPoint + ": source " + m.Source + " is " + dev + ", not created by the test");
                else sourceAllowed = true;
            }
            SysResult f = statFs(m.MountPoint, out DeviceNumber fs);
            // A mount hidden under a later one cannot be reached by path (so cannot be frozen by
            // path either); its source already vouched for it.
            if (!f.Ok) { if (!sourceAllowed) bad.Add(m.MountPoint + ": cannot stat: " + Errno.Describe(f.Error)); }
            // Major 0 is an anonymous device: no block device behind (btrfs also reports one,
            // and is covered by its source above).
            else if (fs.Major != 0 && !allowed.Contains(fs.ToString())) bad.Add(m.MountPoint + ": filesystem on " + fs + ", not created by the test");
        }
        return bad;
    }
}
