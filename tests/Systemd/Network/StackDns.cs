using System;
using System.Collections.Generic;
using System.Linq;

namespace HvDaemons.Systemd.Network;

/// <summary>The DNS servers a stack has in effect for eth0, asked where that stack keeps them.</summary>
public static class StackDns
{
    public static List<string> Read(NetworkGuest g, NetworkStack stack)
    {
        if (stack == NetworkStack.NetworkManager)
            // -g escapes an IPv6 address's colons: "2001\:db8\:1\:\:53".
            return Words(g.Run(20, "nmcli", "-g", "IP4.DNS,IP6.DNS", "device", "show", NetworkGuest.Interface).Stdout.Replace('|', ' ').Replace("\\:", ":"));
        if (stack == NetworkStack.Networkd || stack == NetworkStack.Netplan)
        {
            // networkd's state file of the link: "DNS=192.0.2.53 2001:db8:1::53".
            string state = g.Run(20, "/bin/sh", "-c", "cat /run/systemd/netif/links/$(cat /sys/class/net/" + NetworkGuest.Interface + "/ifindex)").Stdout;
            foreach (string line in state.Split('\n'))
                if (line.StartsWith("DNS=", StringComparison.Ordinal)) return Words(line[4..]);
            return [];
        }
        // ifupdown hands dns-nameservers to resolvconf, which writes resolv.conf.
        string conf = g.Run(20, "cat", "/etc/resolv.conf").Stdout;
        return conf.Split('\n').Where(l => l.StartsWith("nameserver ", StringComparison.Ordinal))
                   .Select(l => l["nameserver ".Length..].Trim()).ToList();
    }

    static List<string> Words(string text) => text.Split([' ', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries).ToList();
}
