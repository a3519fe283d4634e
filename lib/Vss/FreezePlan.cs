using System.Collections.Generic;

namespace HvDaemons.Vss;

/// <summary>A writable mount the freeze leaves alone, and why (for the "not frozen" log line).</summary>
/// <param name="LeftOut">Left out by vss.conf's include/exclude rules, not because it cannot be frozen.</param>
public sealed record UnfrozenMount(string MountPoint, string FsType, string Reason, bool LeftOut = false)
{
    public override string ToString() => MountPoint + " (" + FsType + ", " + Reason + ")";
}

/// <summary>
/// Which mount points a FREEZE or THAW walks, chosen exactly as upstream does (docs/protocol.md §5.3):
/// /proc/mounts order; only sources under /dev/; no loop-backed, read-only or vfat mounts;
/// "/" last. Also collects the writable mounts that stay unfrozen, which upstream skips silently.
/// vss.conf's include/exclude rules only ever leave more out.
/// </summary>
public sealed class FreezePlan
{
    public const string Root = "/";

    FreezePlan(List<string> mountPoints, List<UnfrozenMount> unfrozen)
    {
        MountPoints = mountPoints;
        Unfrozen = unfrozen;
    }

    /// <summary>Mount points to freeze, in order; "/" (if eligible) is last.</summary>
    public IReadOnlyList<string> MountPoints { get; }

    /// <summary>Writable, non-pseudo mounts that are not frozen.</summary>
    public IReadOnlyList<UnfrozenMount> Unfrozen { get; }

    /// <param name="selects">vss.conf's include/exclude rules; null: every mount.</param>
    /// <param name="leftOutReason">How the "not frozen" line names a mount the rules left out.</param>
    public static FreezePlan Build(IEnumerable<MountEntry> mounts, LoopDetector loops,
                                   System.Func<MountEntry, bool>? selects = null, string leftOutReason = "")
    {
        var chosen = new List<string>();
        var unfrozen = new List<UnfrozenMount>();
        bool rootSeen = false;
        foreach (MountEntry m in mounts)
        {
            if (selects is not null && !selects(m))
            {
                if (!m.IsReadOnly && !PseudoFilesystems.Contains(m.FsType))
                    unfrozen.Add(new UnfrozenMount(m.MountPoint, m.FsType, leftOutReason, LeftOut: true));
                continue;
            }
            if (!m.Source.StartsWith("/dev/", System.StringComparison.Ordinal))
            {
                if (!m.IsReadOnly && !PseudoFilesystems.Contains(m.FsType))
                    unfrozen.Add(new UnfrozenMount(m.MountPoint, m.FsType, "no block device"));
                continue;
            }
            // Upstream checks for loop devices before the ro option; so do we, so that the
            // same "Can't stat" lines appear.
            if (loops.IsLoopBacked(m.Source))
            {
                if (!m.IsReadOnly) unfrozen.Add(new UnfrozenMount(m.MountPoint, m.FsType, "loop device"));
                continue;
            }
            if (m.IsReadOnly) continue;
            if (m.FsType == "vfat")
            {
                unfrozen.Add(new UnfrozenMount(m.MountPoint, m.FsType, "vfat is not frozen"));
                continue;
            }
            if (m.MountPoint == Root)
            {
                rootSeen = true;
                continue;
            }
            chosen.Add(m.MountPoint);
        }
        // As upstream: "/" last, so the root, where most writers live, is frozen for the shortest time.
        if (rootSeen) chosen.Add(Root);
        return new FreezePlan(chosen, unfrozen);
    }
}
