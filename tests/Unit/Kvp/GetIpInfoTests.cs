using System;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using HvDaemons.Kvp.Net;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>GET_IP_INFO: parsing of /proc and resolv.conf fixtures, and a live veth pair in a
/// network namespace this test creates (its own addresses only).</summary>
public class GetIpInfoTests
{
    const string Route =
        "Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT\n" +
        "eth0\t00000000\t0100000A\t0003\t0\t0\t100\t00000000\t0\t0\t0\n" +
        "eth0\t0000000A\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0\n" +
        "eth1\t00000000\t00000000\t0001\t0\t0\t200\t00000000\t0\t0\t0\n" +
        "eth2\t00000000\t0101A8C0\t0003\t0\t0\t300\t00000000\t0\t0\t0\n";

    const string Route6 =
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 eth0\n" +
        "20010db8000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 eth0\n" +
        "00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 lo\n";

    [Fact]
    public void DefaultGatewaysFromProcFixtures()
    {
        Assert.Equal(new[] { "10.0.0.1", "192.168.1.1" }, RouteTable.ParseIPv4(Route));
        Assert.Equal(new[] { "fe80::1" }, RouteTable.ParseIPv6(Route6));
    }

    [Fact]
    public void ResolvConfAndTheResolvedStub()
    {
        using var t = new TempPools();
        t.Write("etc/resolv.conf", "# generated\nnameserver 127.0.0.53\noptions edns0\n");
        t.Write("run/resolved.conf", "nameserver 10.0.0.2\nnameserver  fd00::53 \nsearch example\n");
        Assert.Equal(new[] { "10.0.0.2", "fd00::53" }, DnsServers.Read(t.Paths));
        t.Write("etc/resolv.conf", "nameserver 1.1.1.1\nnameserver 9.9.9.9\n");
        Assert.Equal(new[] { "1.1.1.1", "9.9.9.9" }, DnsServers.Read(t.Paths));
    }

    [Theory]
    [InlineData("internal-1234-eth1.lease", "eth1", true)]
    [InlineData("internal-1234-eth10.lease", "eth1", false)]
    [InlineData("dhclient.eth1.leases", "eth1", true)]
    [InlineData("dhclient.leases", "eth1", false)]
    [InlineData("eth1.lease", "eth1", true)]
    [InlineData("eth1.conf", "eth1", false)]
    [InlineData("xeth1.lease", "eth1", false)]
    public void LeaseFileNamesMatchTheWholeInterfaceName(string file, string ifname, bool expected)
        => Assert.Equal(expected, DhcpState.IsLeaseFileFor(file, ifname));

    [Fact]
    public void UnknownMacIsE_FAIL()
    {
        using var t = new TempPools();
        t.Write("sys/class/net/eth0/address", "00:15:5d:00:00:01\n");
        Assert.Equal(Msg.E_FAIL, t.Status(Msg.IpInfo(4, "00:15:5D:00:00:02")));
        Assert.Equal(Msg.E_FAIL, t.Status(Msg.IpInfo(4, "00:15:5D:00:00:0")));   // no prefix matches
    }

    /// <summary>
    /// Two veth pairs inside a private network namespace: hvk1 and hvk10 (so a prefix match
    /// would wrongly merge them), plus hvk2 sharing hvk1's MAC but without addresses (a VF).
    /// The query runs on a thread that joined the namespace; /sys is a fixture tree.
    /// </summary>
    [SkippableFact]
    public void LiveInterfacesInAPrivateNetworkNamespace()
    {
        string ns = "hvdkvp" + Environment.ProcessId;
        PrivilegedTest.Require(Sh($"ip netns add {ns}"), "ip netns add (root, iproute2) for a private network namespace");
        try
        {
            Assert.True(Sh($"ip -n {ns} link add hvk1 type veth peer name hvk1p"));
            Assert.True(Sh($"ip -n {ns} link add hvk10 type veth peer name hvk10p"));
            Assert.True(Sh($"ip -n {ns} link add hvk2 type veth peer name hvk2p"));
            foreach (string l in new[] { "hvk1", "hvk1p", "hvk10", "hvk10p", "hvk2", "hvk2p" })
                Assert.True(Sh($"ip -n {ns} link set {l} addrgenmode none"));   // no link-local noise
            foreach (string l in new[] { "lo", "hvk1", "hvk1p", "hvk10", "hvk10p", "hvk2", "hvk2p" })
                Assert.True(Sh($"ip -n {ns} link set {l} up"));
            Assert.True(Sh($"ip -n {ns} addr add 192.0.2.10/24 dev hvk1"));
            Assert.True(Sh($"ip -n {ns} addr add 198.51.100.7/16 dev hvk1"));
            Assert.True(Sh($"ip -n {ns} -6 addr add 2001:db8:1::10/64 dev hvk1 nodad"));
            Assert.True(Sh($"ip -n {ns} addr add 203.0.113.99/24 dev hvk10"));
            Assert.True(Sh($"ip -n {ns} route add default via 192.0.2.1 dev hvk1"));
            Assert.True(Sh($"ip -n {ns} -6 route add default via 2001:db8:1::1 dev hvk1"));

            using var t = new TempPools();
            string mac = "00:15:5D:AA:BB:01";
            t.Write("sys/class/net/hvk1/address", mac.ToLowerInvariant() + "\n");
            t.Write("sys/class/net/hvk10/address", "00:15:5d:aa:bb:10\n");
            t.Write("sys/class/net/hvk2/address", mac.ToLowerInvariant() + "\n");
            t.Write("etc/resolv.conf", "nameserver 192.0.2.53\n");
            t.Write("var/lib/dhcp/dhclient.hvk1.leases", "lease {}\n");
            var paths = t.Paths with { ProcNet = "/proc/thread-self/net" };
            using var service = HvDaemons.Kvp.KvpService.Create(paths, t.Log);

            byte[] m = Msg.IpInfo(4, mac);
            byte[] auto4 = Msg.Enumerate(2, 2);
            Exception? error = null;
            var thread = new Thread(() =>
            {
                try
                {
                    using var fd = File.OpenHandle($"/run/netns/{ns}");
                    if (setns((int)fd.DangerousGetHandle(), 0x40000000 /* CLONE_NEWNET */) != 0)
                        throw new InvalidOperationException("setns failed " + Marshal.GetLastPInvokeError());
                    service.Handle(m, m.Length);
                    service.Handle(auto4, auto4.Length);
                }
                catch (Exception e) { error = e; }
            });
            thread.Start();
            thread.Join();
            Assert.Null(error);

            Assert.Equal(Msg.S_OK, Msg.Status(m));
            Assert.Equal(3, m[260]);   // IPv4 | IPv6
            Assert.Equal(1, m[261]);   // lease file for hvk1
            Assert.Equal("192.0.2.10;198.51.100.7;2001:db8:1::10", Msg.IpAddr(m));
            Assert.Equal("255.255.255.0;255.255.0.0;/64", Msg.SubNet(m));
            Assert.Equal("192.0.2.1;2001:db8:1::1;", Msg.GateWay(m));
            Assert.Equal("192.0.2.53;", Msg.DnsAddr(m));
            Assert.Equal(mac, Msg.CStr(m, 4, 256));

            Assert.Equal(Msg.S_OK, Msg.Status(auto4));
            Assert.Equal("NetworkAddressIPv4", Msg.EnumKey(auto4));
            Assert.Equal("192.0.2.10;198.51.100.7;203.0.113.99", Msg.EnumValue(auto4));

            // With the distribution's scripts present they win, and get the interface name.
            string args = Path.Combine(t.Root, "dns-args");
            t.Script("hv_get_dns_info", $"#!/bin/sh\necho \"$1\" > '{args}'\necho 10.9.9.9\necho fd00::99\n");
            t.Script("hv_get_dhcp_info", "#!/bin/sh\necho Disabled\n");
            byte[] again = Msg.IpInfo(4, mac);
            var second = new Thread(() =>
            {
                using var fd = File.OpenHandle($"/run/netns/{ns}");
                if (setns((int)fd.DangerousGetHandle(), 0x40000000) == 0) service.Handle(again, again.Length);
            });
            second.Start();
            second.Join();
            Assert.Equal(Msg.S_OK, Msg.Status(again));
            Assert.Equal("10.9.9.9;fd00::99;", Msg.DnsAddr(again));
            Assert.Equal(0, again[261]);
            Assert.Equal("hvk1\n", File.ReadAllText(args));
        }
        finally
        {
            Sh($"ip netns del {ns}");
        }
    }

    [Fact]
    public void ScriptArgumentsAreNeverInterpretedByAShell()
    {
        using var t = new TempPools();
        string args = Path.Combine(t.Root, "args");
        string script = t.Script("hv_get_dns_info", $"#!/bin/sh\nprintf '%s|' \"$@\" > '{args}'\necho 10.1.1.1\necho fd00::1\n");
        var r = HvDaemons.Os.ChildProcess.Run(script, [script, "eth0;reboot"], 3000);
        Assert.True(r.Succeeded);
        Assert.Equal("10.1.1.1\nfd00::1\n", r.Output);
        Assert.Equal("eth0;reboot|", File.ReadAllText(args));   // one argument, never interpreted
    }

    static bool Sh(string command)
    {
        string[] parts = command.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var psi = new ProcessStartInfo(parts[0], parts[1..]) { RedirectStandardError = true, RedirectStandardOutput = true };
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }   // no ip(8): the caller skips
    }

    [DllImport("libc", SetLastError = true)]
    static extern int setns(int fd, int nstype);
}
