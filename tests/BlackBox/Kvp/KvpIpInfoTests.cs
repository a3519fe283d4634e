using System;
using System.Diagnostics;
using System.IO;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// SET_IP_INFO and GET_IP_INFO through the published binary: a fake /sys/class/net tree in the
/// sandbox for adapter lookup, and a veth pair in a network namespace this test creates for
/// live addresses (only its own TEST-NET addresses; nothing outside the namespace is touched).
/// </summary>
public sealed class KvpIpInfoTests
{
    const string Guid = "{f8615163-df3e-46c5-913f-f2d2f965ed0e}";
    const string Scripts = "/usr/libexec/hypervkvpd";
    const UnixFileMode Exec = (UnixFileMode)0x1ed;

    // docs/protocol.md §4.8 worked example, byte for byte.
    const string WorkedIfcfg =
        "HWADDR=00:15:5D:01:02:03\nDEVICE=eth0\nBOOTPROTO=none\nIPADDR0=10.0.0.5\nIPADDR1=10.0.0.6\n" +
        "IPV6ADDR=2001:0db8:0000:0000:0000:0000:0000:0005\nNETMASK0=255.255.255.0\nNETMASK1=255.255.0.0\n" +
        "IPV6NETMASK=64\nGATEWAY=10.0.0.1\nGATEWAY1=10.0.0.2\nDNS1=8.8.8.8\nDNS2=2001:0db8:0000:0000:0000:0000:0000:0053\n";

    const string WorkedKeyfile =
        "\n[connection]\ninterface-name=eth0\n\n[ethernet]\nmac-address=00:15:5D:01:02:03\n" +
        "\n[ipv4]\naddress1=10.0.0.5/24\naddress2=10.0.0.6/16\nmethod=manual\ngateway=10.0.0.1\nroute1=0.0.0.0/0,10.0.0.2,200\ndns=8.8.8.8\n" +
        "\n[ipv6]\naddress1=2001:db8::5/64\nmethod=manual\ndns=2001:db8::53\n";

    static readonly KvpIpInfo Worked = new(Guid, AddrFamily.IPv4 | AddrFamily.IPv6, false,
        "10.0.0.5;10.0.0.6;2001:db8::5", "255.255.255.0;255.255.0.0;64", "10.0.0.1;10.0.0.2", "8.8.8.8;2001:db8::53");

    /// <summary>A fake /sys/class/net with eth0 (MAC 00:15:5d:01:02:03, device id <see cref="Guid"/>) and lo;
    /// hv_set_ifconfig records its argument count and argv, one per line.</summary>
    static SandboxSpec WithAdapter(string? setScript = RecordingScript)
    {
        var spec = KvpDaemon.Spec();
        spec.Mounts.Add(new SandboxMount.HostDir("/sys/class/net"));
        spec.WithFile("/sys/class/net/eth0/address", "00:15:5d:01:02:03\n")
            .WithFile("/sys/class/net/eth0/device/device_id", Guid + "\n")
            .WithFile("/sys/class/net/lo/address", "00:00:00:00:00:00\n");
        if (setScript is not null) spec.WithFile(Scripts + "/hv_set_ifconfig", setScript, Exec);
        return spec;
    }

    const string RecordingScript = "#!/bin/sh\n{ echo \"$#\"; printf '%s\\n' \"$0\" \"$@\"; } > " + Scripts + "/argv\n";

    [SkippableFact]
    public void The_worked_example_writes_byte_identical_files_and_passes_both_paths_as_arguments()
    {
        using var d = KvpDaemon.Start(WithAdapter());
        KvpReply r = d.Kvp.SetIpInfo(Worked);
        Assert.True((HvStatus.S_OK, AnswerSource.Daemon) == (r.Status, r.Source), r + "\n" + d.Describe());

        Assert.Equal(WorkedIfcfg, File.ReadAllText(d.Sandbox.HostPath("/var/lib/hyperv/ifcfg-eth0")));
        Assert.Equal(WorkedKeyfile, File.ReadAllText(d.Sandbox.HostPath("/var/lib/hyperv/eth0.nmconnection")));
        // Exactly two arguments, unsplit and unquoted: the script was exec'd with an argv, not through a shell line.
        Assert.Equal("2\n" + Scripts + "/hv_set_ifconfig\n/var/lib/hyperv/ifcfg-eth0\n/var/lib/hyperv/eth0.nmconnection\n",
                     File.ReadAllText(d.Sandbox.HostPath(Scripts + "/argv")));
        d.AssertOneLine("SET_IP_INFO eth0: configuration applied by " + Scripts + "/hv_set_ifconfig", severity: 6);
        d.AssertServes();
    }

    public static TheoryData<string, KvpIpInfo, string> Injections => new()
    {
        { "command in an address", Worked with { IpAddresses = "10.0.0.5;$(reboot)" }, "ip_addr" },
        { "newline in a gateway", Worked with { Gateways = "10.0.0.1\nNM_CONTROLLED=no" }, "gate_way" },
        { "quote in DNS", Worked with { DnsServers = "8.8.8.8\"" }, "dns_addr" },
        { "backtick in a subnet", Worked with { SubNets = "255.255.255.0;`id`;64" }, "sub_net" },
        { "scope id", Worked with { IpAddresses = "fe80::1%eth0", SubNets = "64" }, "ip_addr" },
        { "mask of the wrong family", Worked with { IpAddresses = "10.0.0.5", SubNets = "64" }, "refused" },
    };

    [SkippableTheory]
    [MemberData(nameof(Injections))]
    public void Anything_but_plain_addresses_is_HV_INVALIDARG_before_a_file_is_written(string what, KvpIpInfo info, string logged)
    {
        using var d = KvpDaemon.Start(WithAdapter());
        KvpReply r = d.Kvp.SetIpInfo(info);
        Assert.True((HvStatus.INVALIDARG, AnswerSource.Daemon) == (r.Status, r.Source), what + ": " + r + "\n" + d.Describe());
        SyslogLine? line = d.Log.WaitFor(l => l.Severity == 3 && l.Message.StartsWith("SET_IP_INFO", StringComparison.Ordinal), KvpDaemon.Bound);
        Assert.True(line is not null && line.Message.Contains(logged, StringComparison.Ordinal) && line.Message.EndsWith("refused", StringComparison.Ordinal),
                    what + ": " + line + "\n" + d.Describe());
        Assert.Equal(1, d.ErrorLines);
        Assert.False(File.Exists(d.Sandbox.HostPath("/var/lib/hyperv/ifcfg-eth0")));
        Assert.False(File.Exists(d.Sandbox.HostPath("/var/lib/hyperv/eth0.nmconnection")));
        Assert.False(File.Exists(d.Sandbox.HostPath(Scripts + "/argv")));
        Assert.Equal(HvStatus.S_OK, d.Kvp.SetIpInfo(Worked).Status);   // the next one is served
    }

    [SkippableFact]
    public void Unknown_adapter_missing_or_failing_script_and_unknown_MAC_have_their_statuses()
    {
        using (var d = KvpDaemon.Start(WithAdapter()))
        {
            KvpReply r = d.Kvp.SetIpInfo(Worked with { AdapterId = "{00000000-0000-0000-0000-000000000001}" });
            Assert.Equal((HvStatus.GUID_NOTFOUND, AnswerSource.Daemon), (r.Status, r.Source!.Value));
            d.AssertOneLine("SET_IP_INFO: no interface has the device id {00000000-0000-0000-0000-000000000001}");
            Assert.False(File.Exists(d.Sandbox.HostPath("/var/lib/hyperv/ifcfg-eth0")));

            r = d.Kvp.GetIpInfo("00:15:5D:FF:FF:FF");
            Assert.Equal((HvStatus.E_FAIL, AnswerSource.Daemon), (r.Status, r.Source!.Value));
            d.AssertOneLine("GET_IP_INFO: no interface has the MAC address 00:15:5D:FF:FF:FF");
            d.AssertServes();
        }
        using (var d = KvpDaemon.Start(WithAdapter(setScript: null)))
        {
            Assert.Equal(HvStatus.E_FAIL, d.Kvp.SetIpInfo(Worked).Status);
            d.AssertOneLine("hv_set_ifconfig is missing");
            Assert.Equal(WorkedIfcfg, File.ReadAllText(d.Sandbox.HostPath("/var/lib/hyperv/ifcfg-eth0")));
            d.AssertServes();
        }
        using (var d = KvpDaemon.Start(WithAdapter(setScript: "#!/bin/sh\nexit 3\n")))
        {
            Assert.Equal(HvStatus.E_FAIL, d.Kvp.SetIpInfo(Worked).Status);
            d.AssertOneLine("Failed to execute cmd '" + Scripts + "/hv_set_ifconfig /var/lib/hyperv/ifcfg-eth0 /var/lib/hyperv/eth0.nmconnection'");
            d.AssertServes();
        }
    }

    /// <summary>
    /// A veth pair in a network namespace created here; the daemon runs inside it (`ip netns
    /// exec` also mounts that namespace's /sys), so the MAC lookup, getifaddrs and /proc/net
    /// routes are the namespace's own. The DNS/DHCP scripts record the interface name they get.
    /// </summary>
    [SkippableFact]
    public void Get_ip_info_reports_a_veth_in_a_private_network_namespace()
    {
        var spec = KvpDaemon.Spec();
        string ns = "hvbbkvp" + Environment.ProcessId;
        Skip.IfNot(Ip("netns", "add", ns), "cannot create a network namespace");
        try
        {
            const string mac = "00:15:5D:AA:BB:01";
            Assert.True(Ip("-n", ns, "link", "add", "hvb1", "type", "veth", "peer", "name", "hvb1p"));
            Assert.True(Ip("-n", ns, "link", "set", "hvb1", "address", mac.ToLowerInvariant()));
            foreach (string l in new[] { "hvb1", "hvb1p" }) Assert.True(Ip("-n", ns, "link", "set", l, "addrgenmode", "none"));
            foreach (string l in new[] { "lo", "hvb1", "hvb1p" }) Assert.True(Ip("-n", ns, "link", "set", l, "up"));
            Assert.True(Ip("-n", ns, "addr", "add", "192.0.2.10/24", "dev", "hvb1"));
            Assert.True(Ip("-n", ns, "addr", "add", "198.51.100.7/16", "dev", "hvb1"));
            Assert.True(Ip("-n", ns, "-6", "addr", "add", "2001:db8:1::10/64", "dev", "hvb1", "nodad"));
            Assert.True(Ip("-n", ns, "route", "add", "default", "via", "192.0.2.1", "dev", "hvb1"));
            Assert.True(Ip("-n", ns, "-6", "route", "add", "default", "via", "2001:db8:1::1", "dev", "hvb1"));

            spec.ExecPrefix.AddRange(["ip", "netns", "exec", ns]);
            spec.WithFile(Scripts + "/hv_get_dns_info", "#!/bin/sh\necho \"$#:$1\" >> " + Scripts + "/dns-argv\necho 192.0.2.53\necho 2001:db8:1::53\n", Exec)
                .WithFile(Scripts + "/hv_get_dhcp_info", "#!/bin/sh\necho \"$#:$1\" >> " + Scripts + "/dhcp-argv\necho Enabled\n", Exec);
            using var d = KvpDaemon.Start(spec);

            KvpReply r = d.Kvp.GetIpInfo(mac);
            Assert.True((HvStatus.S_OK, AnswerSource.Daemon) == (r.Status, r.Source), r + "\n" + d.Describe());
            KvpIpInfo info = r.IpInfo!;
            Assert.Equal(mac, info.AdapterId);
            Assert.Equal(AddrFamily.IPv4 | AddrFamily.IPv6, info.AddrFamily);
            Assert.True(info.DhcpEnabled);
            Assert.Equal("192.0.2.10;198.51.100.7;2001:db8:1::10", info.IpAddresses);
            Assert.Equal("255.255.255.0;255.255.0.0;/64", info.SubNets);
            Assert.Equal("192.0.2.1;2001:db8:1::1;", info.Gateways);
            Assert.Equal("192.0.2.53;2001:db8:1::53;", info.DnsServers);
            Assert.Equal("1:hvb1\n", File.ReadAllText(d.Sandbox.HostPath(Scripts + "/dns-argv")));
            Assert.Equal("1:hvb1\n", File.ReadAllText(d.Sandbox.HostPath(Scripts + "/dhcp-argv")));

            KvpReply v4 = d.Kvp.Enumerate(KvpPoolId.Auto, 2);
            Assert.Equal(("NetworkAddressIPv4", "192.0.2.10;198.51.100.7"), (v4.Key, v4.Value));
            Assert.Equal(0, d.ErrorLines);
        }
        finally
        {
            Ip("netns", "del", ns);
        }
    }

    static bool Ip(params string[] args)
    {
        var psi = new ProcessStartInfo("ip", args) { RedirectStandardError = true, RedirectStandardOutput = true };
        using var p = Process.Start(psi)!;
        p.WaitForExit();
        return p.ExitCode == 0;
    }
}
