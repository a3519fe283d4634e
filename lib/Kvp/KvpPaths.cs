using System;
using HvDaemons.Os;

namespace HvDaemons.Kvp;

/// <summary>
/// Everything the KVP daemon reads, writes or runs, by path. Defaults are upstream's (and the
/// usual Linux locations); tests point them at a temporary tree.
/// </summary>
public sealed record KvpPaths(string PoolDirectory, string ScriptsDirectory)
{
    public static KvpPaths Default { get; } = new("/var/lib/hyperv", "/usr/libexec/hypervkvpd");

    /// <summary>Where SET_IP_INFO writes ifcfg-&lt;if&gt; and &lt;if&gt;.nmconnection (upstream: the pool directory).</summary>
    public string ConfigDirectory { get; init; } = PoolDirectory;

    public string SysClassNet { get; init; } = "/sys/class/net";
    public string ProcNet { get; init; } = "/proc/net";
    public string ResolvConf { get; init; } = "/etc/resolv.conf";
    public string ResolvedConf { get; init; } = "/run/systemd/resolve/resolv.conf";
    public string OsRelease { get; init; } = "/etc/os-release";

    /// <summary>The daemon's settings file (hv_kvp_daemon(8)); missing means the defaults.</summary>
    public string ConfigFile { get; init; } = "/etc/hyperv/kvp.conf";

    /// <summary>Where sysfs is mounted: DMI's product_uuid and /sys/firmware/efi give the VM's identity.</summary>
    public string Sysfs { get; init; } = "/sys";

    /// <summary>Holds the legacy SuSE-release / redhat-release files.</summary>
    public string EtcDirectory { get; init; } = "/etc";

    /// <summary>systemd-networkd's per-ifindex DHCP lease files.</summary>
    public string NetworkdLeases { get; init; } = "/run/systemd/netif/leases";

    /// <summary>Where NetworkManager, dhclient and dhcpcd keep lease files named after the interface.</summary>
    public string[] LeaseDirectories { get; init; } =
        ["/var/lib/NetworkManager", "/var/lib/dhcp", "/var/lib/dhclient", "/var/lib/dhcpcd", "/run/dhcpcd"];

    /// <summary>Longest a query script (hv_get_dns_info, hv_get_dhcp_info) may run before it is killed.</summary>
    public int ScriptTimeoutMs { get; init; } = 10_000;

    /// <summary>Longest hv_set_ifconfig may run (it restarts the interface); below the kernel's 30 s wait.</summary>
    public int SetScriptTimeoutMs { get; init; } = 25_000;

    /// <summary>Where an empty <see cref="ScriptsDirectory"/> looks scripts up; null: the PATH variable.</summary>
    public string? ScriptSearchPath { get; init; } = Environment.GetEnvironmentVariable("PATH");

    /// <summary>The script to run: in <see cref="ScriptsDirectory"/>, or, when that is empty
    /// (built with KVP_SCRIPTS_PATH=), the first executable of that name on the search path.
    /// A script found nowhere keeps its bare name, for the log line that says it is missing.</summary>
    public string Script(string name)
    {
        if (ScriptsDirectory.Length > 0) return ScriptsDirectory.TrimEnd('/') + "/" + name;
        return ExecutableSearch.Find(name, ScriptSearchPath) ?? name;
    }
}
