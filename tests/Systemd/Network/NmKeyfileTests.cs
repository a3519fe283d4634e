using System;
using System.Collections.Generic;
using System.Linq;
using HvDaemons.HostSim.Host;
using Xunit;
using Xunit.Abstractions;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// The NetworkManager keyfile hv_kvp_daemon writes for SET_IP_INFO
/// (/var/lib/hyperv/&lt;if&gt;.nmconnection), read by a real NetworkManager: copied as it is into
/// system-connections, `nmcli connection load`, then `nmcli -t connection show` must report the
/// injected addresses, gateways and DNS servers in the settings NetworkManager keeps.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class NmKeyfileTests(ContainerFixture containers, ITestOutputHelper output)
{
    const string Id = "hvd-daemon-keyfile";
    const string Copy = "/etc/NetworkManager/system-connections/" + Id + ".nmconnection";

    [SkippableTheory]
    [MemberData(nameof(IpVariant.Names), MemberType = typeof(IpVariant))]
    public void NetworkManager_loads_the_daemons_keyfile_as_sent(string variant)
    {
        IpVariant v = IpVariant.Named(variant);
        NetworkGuest g = NetworkGuest.Of(containers);
        NetworkStack.NetworkManager.Use(g);
        KvpReply set = g.Container.Host.Kvp.SetIpInfo(v.Info, TimeSpan.FromSeconds(60));
        string keyfile = g.Shell(10, "the daemon's keyfile", "cat /var/lib/hyperv/" + NetworkGuest.Interface + ".nmconnection").Stdout;
        output.WriteLine("NetworkManager keyfile, " + v.Injected() + " (SET_IP_INFO " + set + ")\n" + keyfile);
        try
        {
            g.Shell(10, "copy the keyfile", "install -m 600 /var/lib/hyperv/" + NetworkGuest.Interface + ".nmconnection " + Copy);
            CommandResult load = g.Run(30, "nmcli", "connection", "load", Copy);
            CommandResult show = g.Run(30, "nmcli", "-t", "-f", "ipv4,ipv6", "connection", "show", "id", Id);
            string nmLog = g.Run(20, "journalctl", "--no-pager", "-o", "cat", "-n", "5", "-u", "NetworkManager.service", "--grep", "keyfile").Stdout;
            Assert.True(load.ExitCode == 0 && show.ExitCode == 0,
                        "NetworkManager refused the daemon's keyfile:\n" + keyfile + "\nnmcli connection load: " + load.Describe() + "\nshow: " + show.Describe() + "\n" + nmLog);
            Dictionary<string, string> s = Settings(show.Stdout);
            output.WriteLine("NetworkManager read: " + string.Join(" ", s.Where(kv => kv.Value.Length > 0 && Reported.Contains(kv.Key)).Select(kv => kv.Key + "=" + kv.Value)));

            Assert.Equal(v.Dhcp ? "auto" : v.Addresses.Any(a => !a.Contains(':')) ? "manual" : "disabled", s["ipv4.method"]);
            Assert.Equal(v.Addresses.Any(a => a.Contains(':')) ? "manual" : "auto", s["ipv6.method"]);
            if (!v.Dhcp)
            {
                Assert.Equal(v.Addresses.Where(a => !a.Contains(':')), List(s["ipv4.addresses"]));
                Assert.Equal(v.Addresses.Where(a => a.Contains(':')), List(s["ipv6.addresses"]));
                Assert.Equal(v.Dns.Where(d => !d.Contains(':')), List(s["ipv4.dns"]));
                Assert.Equal(v.Dns.Where(d => d.Contains(':')), List(s["ipv6.dns"]));
                // One gateway per family in ipv4.gateway/ipv6.gateway; a further IPv4 gateway is a default route after it.
                Assert.Equal(v.Gateways4.FirstOrDefault() ?? "", s["ipv4.gateway"]);
                Assert.Equal(v.Gateways6.FirstOrDefault() ?? "", s["ipv6.gateway"]);
                // nmcli prints a route as "destination next-hop metric"; the daemon gives gateway n metric n*100.
                Assert.Equal(v.Gateways4.Skip(1).Select((gw, i) => "0.0.0.0/0 " + gw + " " + (i + 2) * 100), List(s["ipv4.routes"]));
            }
        }
        finally
        {
            g.Run(30, "nmcli", "connection", "delete", "id", Id);
            g.Run(10, "rm", "-f", Copy);
        }
    }

    static readonly HashSet<string> Reported = new(StringComparer.Ordinal)
    {
        "ipv4.method", "ipv4.addresses", "ipv4.gateway", "ipv4.routes", "ipv4.dns",
        "ipv6.method", "ipv6.addresses", "ipv6.gateway", "ipv6.routes", "ipv6.dns",
    };

    // `nmcli -t`: one "setting.property:value" line each (a colon in the value is escaped "\:").
    static Dictionary<string, string> Settings(string text)
    {
        var s = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            int colon = line.IndexOf(':');
            if (colon > 0) s[line[..colon]] = line[(colon + 1)..].Replace("\\:", ":");
        }
        return s;
    }

    static List<string> List(string value) =>
        value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();
}
