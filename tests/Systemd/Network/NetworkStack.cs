using System;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// One network stack hv_set_ifconfig may find, and how the container is made to have only it
/// in charge of eth0: the others stopped, the files an earlier test's stack wrote removed, the
/// adapter flushed and down. Names are the ones hv_set_ifconfig logs.
/// </summary>
public sealed record NetworkStack(string Name, string[] Start)
{
    public static readonly NetworkStack NetworkManager = new("NetworkManager",
        ["systemctl start NetworkManager.service",
         // Up when nmcli says so (NM answers on D-Bus a moment after its unit is active).
         "i=0; until [ \"$(nmcli -t -f RUNNING general 2>/dev/null)\" = running ]; do i=$((i+1)); [ $i -lt 120 ] || exit 1; sleep 0.25; done"]);

    public static readonly NetworkStack Networkd = new("systemd-networkd", ["systemctl start systemd-networkd.service"]);

    /// <summary>netplan with its default renderer, networkd.</summary>
    public static readonly NetworkStack Netplan = new("netplan", ["mkdir -p /etc/netplan", "systemctl start systemd-networkd.service"]);

    public static readonly NetworkStack Ifupdown = new("ifupdown", []);

    public static readonly NetworkStack[] All = [NetworkManager, Networkd, Netplan, Ifupdown];

    public static NetworkStack Named(string name) => Array.Find(All, s => s.Name == name)
        ?? throw new ArgumentException("unknown stack " + name);

    /// <summary>Leaves only this stack running for eth0 (see the type's summary).</summary>
    public void Use(NetworkGuest g)
    {
        const string ifc = NetworkGuest.Interface;
        var lines = new System.Collections.Generic.List<string>
        {
            "ifdown --force " + ifc + " >/dev/null 2>&1 || true",
            "systemctl stop NetworkManager.service systemd-networkd.service systemd-networkd.socket",
            // A test per variant starts a stack more often than StartLimitBurst= allows.
            "systemctl reset-failed NetworkManager.service systemd-networkd.service",
            "rm -f /etc/NetworkManager/system-connections/hyperv-" + ifc + ".nmconnection /etc/systemd/network/10-hyperv-" + ifc + ".network" +
            " /etc/network/interfaces.d/hyperv-" + ifc + " /run/systemd/network/10-netplan-" + ifc + ".network",
            "rm -rf /etc/netplan /run/network/ifstate." + ifc,
            // NetworkManager's default profile for an unconfigured NIC ("Wired connection 1") would
            // take eth0 at its start: the test's NetworkManager leaves unknown devices alone.
            "mkdir -p /etc/NetworkManager/conf.d",
            "printf '[main]\\nno-auto-default=*\\n' > /etc/NetworkManager/conf.d/90-hvd-test.conf",
            // No DNS servers from an earlier test: resolvconf's per-interface lists, or the file.
            "if [ -d /run/resolvconf/interface ]; then rm -f /run/resolvconf/interface/*; resolvconf -u; else : > /etc/resolv.conf; fi",
            "ip addr flush dev " + ifc, "ip route flush dev " + ifc, "ip -6 route flush dev " + ifc,
            "ip link set " + ifc + " down",
        };
        lines.AddRange(Start);
        g.Shell(90, "switch to " + Name, lines.ToArray());
    }
}
