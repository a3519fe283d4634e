using System.Collections.Generic;
using HvDaemons.Os;

namespace HvDaemons.Vss;

/// <summary>Result of a freeze walk. On failure everything this walk froze was thawed again.</summary>
public readonly record struct FreezeOutcome(string? FailedMountPoint, Errno Errno, ThawOutcome Rollback)
{
    public bool Ok => FailedMountPoint is null;
}

/// <summary>Result of a thaw: how many filesystems were thawed, and the first failure if any.</summary>
public readonly record struct ThawOutcome(int Thawed, string? FailedMountPoint, Errno Errno)
{
    public bool Ok => FailedMountPoint is null;
}

/// <summary>
/// Freezes mount points in order and remembers what it froze by keeping each mount point's
/// descriptor open: a thaw reaches exactly those filesystems, even if the mount table changed
/// meanwhile. A FIFREEZE that says EBUSY (already frozen: the same filesystem mounted twice, a
/// btrfs subvolume) counts as success but is not ours to hold; a FITHAW that says EINVAL (not
/// frozen) counts as success.
/// </summary>
public sealed class Freezer(IFreezeOps ops)
{
    readonly List<(string MountPoint, IMountHandle Handle)> _held = new();

    /// <summary>Filesystems this process froze and has not thawed yet.</summary>
    public int HeldCount => _held.Count;

    public IEnumerable<string> HeldMountPoints
    {
        get { foreach (var h in _held) yield return h.MountPoint; }
    }

    /// <summary>Freezes each mount point in order; at the first failure thaws what it froze and stops.</summary>
    public FreezeOutcome Freeze(IReadOnlyList<string> mountPoints)
    {
        int before = _held.Count;
        foreach (string mp in mountPoints)
        {
            Errno e = ops.Open(mp, out IMountHandle? handle);
            if (e == 0)
            {
                e = handle!.Freeze();
                if (e == 0)
                {
                    _held.Add((mp, handle));
                    continue;
                }
                handle.Dispose();
                if (e == Errno.EBUSY) continue;
            }
            return new FreezeOutcome(mp, e, ThawFrom(before));
        }
        return new FreezeOutcome(null, 0, default);
    }

    /// <summary>Thaws everything held, newest first. Failures stay held so a later call can retry.</summary>
    public ThawOutcome ThawHeld() => ThawFrom(0);

    /// <summary>
    /// The host's THAW: what we hold, then every mount point of <paramref name="mountPoints"/>
    /// (as upstream does), which also thaws what an earlier instance of the daemon left frozen.
    /// Failures do not stop the walk; the first is reported.
    /// </summary>
    public ThawOutcome ThawAll(IReadOnlyList<string> mountPoints)
    {
        ThawOutcome held = ThawHeld();
        int thawed = held.Thawed;
        string? failed = held.FailedMountPoint;
        Errno errno = held.Errno;
        foreach (string mp in mountPoints)
        {
            Errno e = ops.Open(mp, out IMountHandle? handle);
            if (e == 0)
            {
                e = handle!.Thaw();
                handle.Dispose();
                if (e == 0) thawed++;
                if (e == Errno.EINVAL) e = 0;
            }
            // A bind-mounted socket cannot be opened (ENXIO), so nothing can have been frozen
            // through it: not a reason to fail the host's THAW.
            else if (e == Errno.ENXIO) e = 0;
            if (e != 0 && failed is null)
            {
                failed = mp;
                errno = e;
            }
        }
        return new ThawOutcome(thawed, failed, errno);
    }

    ThawOutcome ThawFrom(int first)
    {
        int thawed = 0;
        string? failed = null;
        Errno errno = 0;
        for (int i = _held.Count - 1; i >= first; i--)
        {
            var (mp, handle) = _held[i];
            Errno e = handle.Thaw();
            if (e == 0 || e == Errno.EINVAL)
            {
                if (e == 0) thawed++;
                handle.Dispose();
                _held.RemoveAt(i);
                continue;
            }
            if (failed is null)
            {
                failed = mp;
                errno = e;
            }
        }
        return new ThawOutcome(thawed, failed, errno);
    }
}
