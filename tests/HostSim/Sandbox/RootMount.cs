namespace HvDaemons.HostSim.Sandboxing;

/// <summary>A filesystem of a <see cref="FreezeRoot"/>, mounted in the order given after the root.</summary>
public abstract record RootMount(string MountPoint)
{
    /// <summary>A fresh zram device with a new filesystem (ext4, xfs, btrfs).</summary>
    public sealed record Zram(string MountPoint, string FsType, string Options = "rw") : RootMount(MountPoint);

    /// <summary>A tmpfs: writable, no block device.</summary>
    public sealed record Tmpfs(string MountPoint) : RootMount(MountPoint);

    /// <summary>An ext4 image on a tmpfs of the test, mounted through a loop device the test made
    /// (so its writes never wait on a frozen disk).</summary>
    public sealed record Loop(string MountPoint) : RootMount(MountPoint);

    /// <summary>A tmpfs mounted with a zram device of its own as its source: /proc/mounts lists it
    /// like a disk (source /dev/zramN), so a VSS daemon tries to freeze it, and FIFREEZE refuses
    /// with EOPNOTSUPP (tmpfs cannot be frozen). A freeze that fails part-way.</summary>
    public sealed record Unfreezable(string MountPoint) : RootMount(MountPoint);

    /// <summary>A bind of a directory of the machine (read-only). Only for testing the guard:
    /// the root is then unsafe, and the daemon must never start.</summary>
    public sealed record HostBind(string MountPoint, string Source) : RootMount(MountPoint);
}
