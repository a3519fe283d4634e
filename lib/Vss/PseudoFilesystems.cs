namespace HvDaemons.Vss;

/// <summary>
/// Kernel interfaces mounted as filesystems. They hold no user data, so a backup loses nothing
/// by not freezing them and the "not frozen" line leaves them out. tmpfs and ramfs are not on
/// the list: they hold writable user data that a snapshot does not capture.
/// </summary>
public static class PseudoFilesystems
{
    public static bool Contains(string fsType) => fsType is
        "proc" or "sysfs" or "devtmpfs" or "devpts" or "cgroup" or "cgroup2" or "cpuset" or
        "securityfs" or "debugfs" or "tracefs" or "pstore" or "bpf" or "configfs" or "fusectl" or
        "mqueue" or "hugetlbfs" or "autofs" or "binfmt_misc" or "efivarfs" or "selinuxfs" or
        "rpc_pipefs" or "nsfs" or "nfsd" or "rootfs" or "pipefs" or "sockfs" or "usbfs" or
        "xenfs" or "smackfs" or "apparmorfs";
}
