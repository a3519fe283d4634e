using System.Collections.Generic;

namespace HvDaemons.Vss.Config;

/// <summary>
/// Strict mode (vss.conf "strict = yes"): a backup is refused, rather than recorded as consistent,
/// while a writable filesystem with data on it stays unfrozen (NFS, FUSE, overlay, ZFS, a
/// loop-backed or vfat mount) and vss.conf does not leave it out explicitly. Memory filesystems
/// are not counted: a disk snapshot never holds their data, consistent or not.
/// </summary>
public static class StrictCheck
{
    /// <summary>The mounts that make a strict CHECK or FREEZE fail, in mount table order.</summary>
    public static List<UnfrozenMount> Offenders(FreezePlan plan)
    {
        var offenders = new List<UnfrozenMount>();
        foreach (UnfrozenMount u in plan.Unfrozen)
            if (!u.LeftOut && u.FsType is not ("tmpfs" or "ramfs")) offenders.Add(u);
        return offenders;
    }
}
