using System;
using System.IO;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// Whether an interface got its address by DHCP, without a helper script: a DHCP client that
/// holds a lease keeps a lease file. systemd-networkd names it by ifindex; NetworkManager,
/// dhclient and dhcpcd put the interface name in the file name ("internal-&lt;uuid&gt;-eth0.lease",
/// "dhclient.eth0.leases", "eth0.lease"). The name must stand alone: eth1 does not match eth10.
/// </summary>
internal static class DhcpState
{
    public static bool IsEnabled(KvpPaths paths, SysNet net, string ifname)
    {
        string? index = net.Attribute(ifname, "ifindex")?.Trim();
        if (!string.IsNullOrEmpty(index) && File.Exists(Path.Combine(paths.NetworkdLeases, index))) return true;
        foreach (string dir in paths.LeaseDirectories)
        {
            try
            {
                if (!Directory.Exists(dir)) continue;
                foreach (string file in Directory.EnumerateFiles(dir))
                    if (IsLeaseFileFor(Path.GetFileName(file), ifname)) return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        }
        return false;
    }

    public static bool IsLeaseFileFor(string file, string ifname)
    {
        if (!(file.EndsWith(".lease", StringComparison.Ordinal) || file.EndsWith(".leases", StringComparison.Ordinal)))
            return false;
        string stem = file[..file.LastIndexOf('.')];
        for (int at = stem.IndexOf(ifname, StringComparison.Ordinal); at >= 0; at = stem.IndexOf(ifname, at + 1, StringComparison.Ordinal))
        {
            bool startOk = at == 0 || stem[at - 1] is '-' or '.' or '_';
            int end = at + ifname.Length;
            bool endOk = end == stem.Length || stem[end] is '-' or '.' or '_';
            if (startOk && endOk) return true;
        }
        return false;
    }
}
