using System;
using System.Collections.Generic;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Kvp.Auto;
using HvDaemons.Kvp.Net;
using HvDaemons.Logging;
using HvDaemons.Vss;

namespace HvDaemons.Fuzz.Targets;

/// <summary>/proc/mounts lines (getmntent rules, octal escapes) and the freeze plan built from them.</summary>
sealed class ProcMountsTarget : TextTarget
{
    readonly LoopDetector _loops = new("/nonexistent-hvfuzz", new MemoryLogger(), FakeDevices.Lookup);

    public override string Name => "proc-mounts";
    public override string Description => "/proc/mounts parser + freeze plan: escapes, field counts, \"/\" last, only /dev/ sources";
    protected override string[] SeedTexts => [VssFixture.DefaultMounts, "/dev/sda1 /a\\040b\\134\\011 ext4 rw 0 0\n#x y z w\n \t\n/dev/x\n"];
    protected override string[] TokenTexts => ["\\040", "\\134", "\\\\", "\\777", "\\0", "\\12", " ", "\t", "\n", "#", "/dev/", " / ", "ro", ",", "vfat"];

    protected override Verdict RunText(string text)
    {
        var mounts = new List<MountEntry>();
        foreach (string line in text.Split('\n'))
        {
            if (!MountTable.TryParseLine(line, out MountEntry e)) continue;
            Check(e.Source.Length > 0 && e.MountPoint.Length > 0 && e.FsType.Length > 0 && e.Options.Length > 0, "empty field");
            Check(e.MountPoint.Length <= line.Length, "unescaped field longer than its line");
            mounts.Add(e);
        }
        FreezePlan plan = FreezePlan.Build(mounts, _loops);
        for (int i = 0; i < plan.MountPoints.Count; i++)
            Check(plan.MountPoints[i] != FreezePlan.Root || i == plan.MountPoints.Count - 1, "\"/\" not last");
        return new Verdict(mounts.Count == 0, FuzzRunner.Behaviour(Math.Min(mounts.Count, 10), Math.Min(plan.MountPoints.Count, 10), plan.Unfrozen.Count > 0));
    }
}

/// <summary>/etc/os-release and the legacy release files for the AUTO pool.</summary>
sealed class OsReleaseTarget : TextTarget
{
    public override string Name => "os-release";
    public override string Description => "os-release and SuSE/redhat-release parsers (quotes, escapes, last key wins)";
    protected override string[] SeedTexts => ["NAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\n", "# c\nNAME='a\\\"b'\nVERSION_ID=9\\\nNAME=x\n", "SUSE Linux\nVERSION = 15\nPATCHLEVEL = 5\n"];
    protected override string[] TokenTexts => ["NAME=", "VERSION_ID=", "\"", "'", "\\", "\r", "\n", "#", "="];

    protected override Verdict RunText(string text)
    {
        OsRelease r = OsRelease.ParseOsRelease(text);
        Check(r.Name is null || !r.Name.Contains('\n'), "NAME holds a newline");
        Check(!r.MajorVersion.Contains('\n'), "VERSION_ID holds a newline");
        OsRelease legacy = OsRelease.ParseLegacy(text);
        Check(legacy.Name is not null && !legacy.Name.Contains('\n') && !legacy.MinorVersion.Contains('\n'), "legacy line holds a newline");
        return new Verdict(r.Name is null, FuzzRunner.Behaviour(r.Name is null, r.MajorVersion.Length > 0, legacy.MinorVersion.Length > 0));
    }
}

/// <summary>resolv.conf name server lines (the scriptless hv_get_dns_info).</summary>
sealed class ResolvConfTarget : TextTarget
{
    public override string Name => "resolv-conf";
    public override string Description => "resolv.conf parser: nameserver lines, whitespace, comments";
    protected override string[] SeedTexts => ["nameserver 1.1.1.1\nnameserver fe80::1%eth0\nsearch x\n", "# c\n nameserver\t127.0.0.53 \noptions edns0\n"];
    protected override string[] TokenTexts => ["nameserver", " ", "\t", "\n", "\r", "#", ";", "127.0.0.53"];

    protected override Verdict RunText(string text)
    {
        List<string> servers = DnsServers.Parse(text);
        foreach (string s in servers)
            Check(s.Length > 0 && s.AsSpan().IndexOfAny(" \t\n") < 0, "server with whitespace or empty");
        return new Verdict(servers.Count == 0, FuzzRunner.Behaviour(Math.Min(servers.Count, 5)));
    }
}

/// <summary>/proc/net/route and /proc/net/ipv6_route default gateways.</summary>
sealed class RouteTarget : TextTarget
{
    public override string Name => "proc-route";
    public override string Description => "/proc/net/route + ipv6_route parsers: default gateways are real addresses";
    protected override string[] SeedTexts =>
    [
        "Iface\tDestination\tGateway\tFlags\tRefCnt\tUse\tMetric\tMask\tMTU\tWindow\tIRTT\neth0\t00000000\t0100A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0\neth0\t0000A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n",
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0\n",
    ];
    protected override string[] TokenTexts => ["00000000", "FFFFFFFF", "0003", "0203", "01000003", "\t", " ", "\n", "00000000000000000000000000000000", "Iface"];

    protected override Verdict RunText(string text)
    {
        List<string> v4 = RouteTable.ParseIPv4(text);
        List<string> v6 = RouteTable.ParseIPv6(text);
        foreach (string g in v4) Check(IpText.IsIPv4(g), $"IPv4 gateway \"{g}\" is not an address");
        foreach (string g in v6) Check(IpText.IsIPv6(g), $"IPv6 gateway \"{g}\" is not an address");
        return new Verdict(v4.Count + v6.Count == 0, FuzzRunner.Behaviour(Math.Min(v4.Count, 4), Math.Min(v6.Count, 4)));
    }
}

/// <summary>DHCP lease file names: which interface a lease belongs to.</summary>
sealed class LeaseNameTarget : TextTarget
{
    public override string Name => "lease-name";
    public override string Description => "DHCP lease file-name matcher (eth1 is not eth10)";
    protected override string[] SeedTexts => ["dhclient.eth0.leases\neth0", "internal-1234-eth10.lease\neth1", "eth0.lease\neth0", ".lease\n."];
    protected override string[] TokenTexts => [".lease", ".leases", "-", ".", "_", "eth0", "\n"];

    protected override Verdict RunText(string text)
    {
        int nl = text.IndexOf('\n');
        string file = nl < 0 ? text : text[..nl];
        string ifname = nl < 0 ? "eth0" : text[(nl + 1)..];
        if (ifname.Length == 0) ifname = "eth0";
        bool match = DhcpState.IsLeaseFileFor(file, ifname);
        if (match) Check(file.Contains(ifname, StringComparison.Ordinal), "matched a file that does not name the interface");
        return new Verdict(!match, FuzzRunner.Behaviour(match, file.EndsWith(".lease", StringComparison.Ordinal)));
    }
}
