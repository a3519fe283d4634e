using System;
using System.Collections.Generic;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// One SET_IP_INFO the host sends, and what the kernel must then have on the adapter: the
/// addresses as address/prefix (IPv6 compressed, as `ip` prints them), the default routes'
/// gateways per family, the DNS servers. DHCP expects a lease from the host side's DHCP server
/// (192.0.2.100-150, router 192.0.2.1, DNS 192.0.2.53) instead of fixed addresses.
/// </summary>
public sealed record IpVariant(string Name, KvpIpInfo Info, string[] Addresses, string[] Gateways4,
                               string[] Gateways6, string[] Dns)
{
    public bool Dhcp => Info.DhcpEnabled;

    static KvpIpInfo Message(bool dhcp, string ips, string subnets, string gateways, string dns) =>
        new(NetworkGuest.AdapterGuid, AddrFamily.IPv4 | AddrFamily.IPv6, dhcp, ips, subnets, gateways, dns);

    /// <summary>Two addresses per family, two IPv4 gateways (the first preferred), one IPv6 gateway.</summary>
    public static readonly IpVariant DualStack = new("static dual stack",
        Message(false, "192.0.2.10;198.51.100.10;2001:db8:1::10;2001:db8:2::10", "255.255.255.0;255.255.255.0;64;64",
                "192.0.2.1;198.51.100.1;2001:db8:1::1", "192.0.2.53;2001:db8:1::53"),
        ["192.0.2.10/24", "198.51.100.10/24", "2001:db8:1::10/64", "2001:db8:2::10/64"],
        ["192.0.2.1", "198.51.100.1"], ["2001:db8:1::1"], ["192.0.2.53", "2001:db8:1::53"]);

    public static readonly IpVariant Dhcp4 = new("DHCP",
        Message(true, "", "", "", ""), ["192.0.2.100-150/24"], ["192.0.2.1"], [], ["192.0.2.53"]);

    public static readonly IpVariant V4Only = new("IPv4 only",
        Message(false, "192.0.2.20", "255.255.255.0", "192.0.2.1", "192.0.2.53"),
        ["192.0.2.20/24"], ["192.0.2.1"], [], ["192.0.2.53"]);

    public static readonly IpVariant V6Only = new("IPv6 only",
        Message(false, "2001:db8:1::20", "64", "2001:db8:1::1", "2001:db8:1::53"),
        ["2001:db8:1::20/64"], [], ["2001:db8:1::1"], ["2001:db8:1::53"]);

    public static readonly IpVariant NoGateway = new("no gateway",
        Message(false, "192.0.2.30;2001:db8:1::30", "255.255.255.0;64", "", ""),
        ["192.0.2.30/24", "2001:db8:1::30/64"], [], [], []);

    /// <summary>The second injection: other addresses, gateways and DNS than <see cref="DualStack"/>.</summary>
    public static readonly IpVariant Replacement = new("replacement",
        Message(false, "203.0.113.40;2001:db8:2::40", "255.255.255.0;64", "203.0.113.1;2001:db8:2::1", "203.0.113.53"),
        ["203.0.113.40/24", "2001:db8:2::40/64"], ["203.0.113.1"], ["2001:db8:2::1"], ["203.0.113.53"]);

    public static readonly IpVariant[] Five = [DualStack, Dhcp4, V4Only, V6Only, NoGateway];

    public static IpVariant Named(string name) => Array.Find(Five, v => v.Name == name)
        ?? (name == Replacement.Name ? Replacement : throw new ArgumentException("unknown variant " + name));

    public static TheoryData<string> Names
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (IpVariant v in Five) data.Add(v.Name);
            return data;
        }
    }

    /// <summary>Whether the kernel has exactly this configuration (one default route per gateway).</summary>
    public bool HeldBy(KernelNet k) =>
        AddressesMatch(k.Addresses) && Same(Gateways4, k.Gateways4) && Same(Gateways6, k.Gateways6);

    bool AddressesMatch(IReadOnlyList<string> actual)
    {
        if (!Dhcp) return Same(Addresses, actual);
        // One lease from the pool: 192.0.2.100 to .150, /24.
        return actual.Count == 1 && actual[0].StartsWith("192.0.2.", StringComparison.Ordinal) && actual[0].EndsWith("/24", StringComparison.Ordinal)
            && int.TryParse(actual[0]["192.0.2.".Length..^3], out int host) && host is >= 100 and <= 150;
    }

    // As sets, but a duplicate on the kernel's side is a difference (a route added twice).
    static bool Same(IReadOnlyList<string> want, IReadOnlyList<string> have) =>
        want.Count == have.Count && want.OrderBy(x => x, StringComparer.Ordinal).SequenceEqual(have.OrderBy(x => x, StringComparer.Ordinal));

    public static bool SameDns(IReadOnlyList<string> want, IReadOnlyList<string> have) => Same(want, have.Distinct().ToList());

    public string Injected() =>
        Name + ": " + (Dhcp ? "DHCP" : "addresses " + Info.IpAddresses + " / " + Info.SubNets) +
        ", gateways " + Show(Info.Gateways) + ", DNS " + Show(Info.DnsServers);

    static string Show(string s) => s.Length == 0 ? "none" : s;
}
