using System.IO;
using System.Linq;
using HvDaemons.Kvp.Net;
using HvDaemons.Logging;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>SET_IP_INFO: adapter lookup, the two config files byte for byte, the script call, and refusals.</summary>
public class SetIpInfoTests
{
    const string Guid = "{f8615163-df3e-46c5-913f-f2d2f965ed0e}";

    // The worked example of docs/protocol.md §4.8, as the files must read.
    const string WorkedIfcfg =
        "HWADDR=00:15:5D:01:02:03\n" +
        "DEVICE=eth0\n" +
        "BOOTPROTO=none\n" +
        "IPADDR0=10.0.0.5\n" +
        "IPADDR1=10.0.0.6\n" +
        "IPV6ADDR=2001:0db8:0000:0000:0000:0000:0000:0005\n" +
        "NETMASK0=255.255.255.0\n" +
        "NETMASK1=255.255.0.0\n" +
        "IPV6NETMASK=64\n" +
        "GATEWAY=10.0.0.1\n" +
        "GATEWAY1=10.0.0.2\n" +
        "DNS1=8.8.8.8\n" +
        "DNS2=2001:0db8:0000:0000:0000:0000:0000:0053\n";

    const string WorkedKeyfile =
        "\n[connection]\n" +
        "interface-name=eth0\n" +
        "\n[ethernet]\n" +
        "mac-address=00:15:5D:01:02:03\n" +
        "\n[ipv4]\n" +
        "address1=10.0.0.5/24\n" +
        "address2=10.0.0.6/16\n" +
        "method=manual\n" +
        "gateway=10.0.0.1\n" +
        "route1=0.0.0.0/0,10.0.0.2,200\n" +
        "dns=8.8.8.8\n" +
        "\n[ipv6]\n" +
        "address1=2001:db8::5/64\n" +
        "method=manual\n" +
        "dns=2001:db8::53\n";

    static TempPools WithAdapter(string ifname = "eth0", string mac = "00:15:5d:01:02:03")
    {
        var t = new TempPools();
        t.Write($"sys/class/net/{ifname}/address", mac + "\n");
        t.Write($"sys/class/net/{ifname}/device/device_id", Guid + "\n");
        t.Write("sys/class/net/lo/address", "00:00:00:00:00:00\n");
        return t;
    }

    static byte[] Worked(bool dhcp = false) => Msg.IpInfo(5, Guid, 3, dhcp,
        "10.0.0.5;10.0.0.6;2001:db8::5", "255.255.255.0;255.255.0.0;64", "10.0.0.1;10.0.0.2", "8.8.8.8;2001:db8::53");

    [Fact]
    public void WorkedExampleWritesByteIdenticalFilesAndRunsTheScriptWithBothPaths()
    {
        using var t = WithAdapter();
        string record = Path.Combine(t.Root, "script-args");
        t.Script("hv_set_ifconfig", $"#!/bin/sh\nprintf '%s\\n' \"$@\" > '{record}'\n");
        Assert.Equal(Msg.S_OK, t.Status(Worked()));
        string ifcfg = Path.Combine(t.Paths.PoolDirectory, "ifcfg-eth0");
        string keyfile = Path.Combine(t.Paths.PoolDirectory, "eth0.nmconnection");
        Assert.Equal(WorkedIfcfg, File.ReadAllText(ifcfg));
        Assert.Equal(WorkedKeyfile, File.ReadAllText(keyfile));
        Assert.Equal(ifcfg + "\n" + keyfile + "\n", File.ReadAllText(record));
    }

    [Fact]
    public void ConfigFilesAreReplacedWholeKeepingTheirModeAndLeaveNoTemporaryFile()
    {
        using var t = WithAdapter();
        t.Script("hv_set_ifconfig", "#!/bin/sh\nexit 0\n");
        string ifcfg = Path.Combine(t.Paths.PoolDirectory, "ifcfg-eth0");
        string keyfile = Path.Combine(t.Paths.PoolDirectory, "eth0.nmconnection");
        Directory.CreateDirectory(t.Paths.PoolDirectory);
        File.WriteAllText(ifcfg, "OLD=1\n");
        File.SetUnixFileMode(ifcfg, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        long oldInode = Inode(ifcfg);
        Assert.Equal(Msg.S_OK, t.Status(Worked()));
        Assert.Equal(WorkedIfcfg, File.ReadAllText(ifcfg));
        Assert.Equal(WorkedKeyfile, File.ReadAllText(keyfile));
        Assert.NotEqual(oldInode, Inode(ifcfg));   // a new file renamed over the name, not rewritten in place
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(ifcfg));
        Assert.DoesNotContain(Directory.GetFiles(t.Paths.PoolDirectory), f => Path.GetFileName(f).Contains(".tmp-"));
    }

    static long Inode(string path)
    {
        var p = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        string s = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return long.Parse(s.Trim());
    }

    [Fact]
    public void DhcpAndNoAddressesFollowTheMethodRules()
    {
        var c = new IpConfig("eth0", "AA:BB:CC:DD:EE:FF", true, [], [], [], []);
        Assert.Equal("HWADDR=AA:BB:CC:DD:EE:FF\nDEVICE=eth0\nBOOTPROTO=dhcp\n", IfcfgWriter.Format(c));
        string nm = NmKeyfileWriter.Format(c);
        Assert.EndsWith("\n[ipv4]\nmethod=auto\n\n[ipv6]\nmethod=auto\n", nm);
        string off = NmKeyfileWriter.Format(c with { Dhcp = false });
        Assert.EndsWith("\n[ipv4]\nmethod=disabled\n\n[ipv6]\nmethod=auto\n", off);
    }

    [Fact]
    public void Ipv6NumberingAndSharedDnsCounter()
    {
        var c = new IpConfig("eth1", "AA:BB:CC:DD:EE:FF", false,
            ["fe80::1", "fe80::2", "fe80::3"], ["64", "64", "64"], ["fe80::a", "10.1.1.1", "fe80::b"], ["fe80::d", "1.1.1.1"]);
        Assert.Equal(
            "HWADDR=AA:BB:CC:DD:EE:FF\nDEVICE=eth1\nBOOTPROTO=none\n" +
            "IPV6ADDR=fe80:0000:0000:0000:0000:0000:0000:0001\n" +
            "IPV6ADDR_1=fe80:0000:0000:0000:0000:0000:0000:0002\n" +
            "IPV6ADDR_2=fe80:0000:0000:0000:0000:0000:0000:0003\n" +
            "IPV6NETMASK=64\nIPV6NETMASK_1=64\nIPV6NETMASK_2=64\n" +
            "IPV6_DEFAULTGW=fe80:0000:0000:0000:0000:0000:0000:000a\n" +
            "GATEWAY=10.1.1.1\n" +
            "IPV6_DEFAULTGW_1=fe80:0000:0000:0000:0000:0000:0000:000b\n" +
            "DNS1=fe80:0000:0000:0000:0000:0000:0000:000d\n" +
            "DNS2=1.1.1.1\n",
            IfcfgWriter.Format(c));
    }

    /// <summary>NetworkManager refuses upstream's gateway=A,B (docs/kvp.md): the first gateway of a
    /// family is gateway=, each further one a default route with metric 200, 300, ... in the host's order.</summary>
    [Fact]
    public void KeyfileHasOneGatewayPerFamilyAndFurtherOnesAsDefaultRoutes()
    {
        var c = new IpConfig("eth0", "AA:BB:CC:DD:EE:FF", false, ["10.0.0.5", "2001:db8::5"], ["255.255.255.0", "64"],
            ["2001:db8::1", "10.0.0.1", "10.0.0.2", "2001:db8::2", "10.0.0.3"], []);
        string nm = NmKeyfileWriter.Format(c);
        Assert.Contains("\n[ipv4]\naddress1=10.0.0.5/24\nmethod=manual\ngateway=10.0.0.1\n" +
                        "route1=0.0.0.0/0,10.0.0.2,200\nroute2=0.0.0.0/0,10.0.0.3,300\n\n[ipv6]\n", nm);
        Assert.EndsWith("\n[ipv6]\naddress1=2001:db8::5/64\nmethod=manual\ngateway=2001:db8::1\nroute1=::/0,2001:db8::2,200\n", nm);
        // One gateway per family: upstream's file, unchanged.
        Assert.EndsWith("\nmethod=manual\ngateway=2001:db8::1\n", NmKeyfileWriter.Format(c with { Gateways = ["10.0.0.1", "2001:db8::1"] }));
    }

    [Fact]
    public void UnknownGuidIsGUID_NOTFOUNDAndWritesNothing()
    {
        using var t = WithAdapter();
        byte[] m = Msg.IpInfo(5, "{00000000-0000-0000-0000-000000000000}", 1, false, "10.0.0.5", "255.0.0.0");
        Assert.Equal(Msg.GUID_NOTFOUND, t.Status(m));
        Assert.False(File.Exists(Path.Combine(t.Paths.PoolDirectory, "ifcfg-eth0")));
    }

    [Fact]
    public void MissingScriptIsE_FAILAfterWritingTheFiles()
    {
        using var t = WithAdapter();
        Assert.Equal(Msg.E_FAIL, t.Status(Worked()));
        Assert.True(File.Exists(Path.Combine(t.Paths.PoolDirectory, "ifcfg-eth0")));
        Assert.Contains(t.Log.Lines, l => l.Message.Contains("hv_set_ifconfig is missing"));
    }

    [Fact]
    public void FailingScriptIsE_FAIL()
    {
        using var t = WithAdapter();
        t.Script("hv_set_ifconfig", "#!/bin/sh\nexit 3\n");
        Assert.Equal(Msg.E_FAIL, t.Status(Worked()));
        Assert.Contains(t.Log.Lines, l => l.Message.Contains("exit status 3"));
    }

    [Fact]
    public void HangingScriptIsKilledAtTheTimeout()
    {
        using var t = WithAdapter();
        string pidFile = Path.Combine(t.Root, "pid");
        t.Script("hv_set_ifconfig", $"#!/bin/sh\necho $$ > '{pidFile}'\nsleep 60\n");
        var log = new MemoryLogger();
        using var service = HvDaemons.Kvp.KvpService.Create(t.Paths with { SetScriptTimeoutMs = 300 }, log);
        byte[] m = Worked();
        service.Handle(m, m.Length);
        Assert.Equal(Msg.E_FAIL, Msg.Status(m));
        Assert.Contains(log.Lines, l => l.Message.Contains("timed out and was killed"));
        int pid = int.Parse(File.ReadAllText(pidFile).Trim());
        Assert.False(Directory.Exists("/proc/" + pid), "the script must be gone (killed and reaped)");
    }

    /// <summary>Each field, each smuggling attempt: refused with HV_INVALIDARG, logged, no file written, no script run.</summary>
    [Theory]
    [InlineData("ip", "10.0.0.5\nDEVICE=evil")]
    [InlineData("ip", "10.0.0.5\"")]
    [InlineData("ip", "10.0.0.5'")]
    [InlineData("ip", "10.0.0.5$(reboot)")]
    [InlineData("ip", "10.0.0.5`reboot`")]
    [InlineData("ip", "10.0.0.5\\")]
    [InlineData("ip", "fe80::1%eth0")]
    [InlineData("ip", "fe80::1%25$(x)")]
    [InlineData("ip", "10.0.0.5 ")]
    [InlineData("ip", "10.0.0")]
    [InlineData("ip", "10.0.0.256")]
    [InlineData("ip", "hostname")]
    [InlineData("ip", "10.0.0.5\0;$(x)")]
    [InlineData("ip", "10.0.0.5\r")]
    [InlineData("ip", "10.0.0.5\t")]
    [InlineData("subnet", "255.255.255.0\nX=1")]
    [InlineData("subnet", "64abc")]
    [InlineData("subnet", "129")]
    [InlineData("subnet", "64")]            // an IPv4 address needs a dotted mask
    [InlineData("gateway", "10.0.0.1;$(x)")]
    [InlineData("gateway", "10.0.0.1 ;x")]
    [InlineData("dns", "8.8.8.8\n")]
    [InlineData("dns", "8.8.8.8;`id`")]
    [InlineData("dns", "8.8.8.8;é")]
    public void InjectionIsRefusedBeforeAnythingIsWritten(string field, string value)
    {
        using var t = WithAdapter();
        string ran = Path.Combine(t.Root, "ran");
        t.Script("hv_set_ifconfig", $"#!/bin/sh\ntouch '{ran}'\n");
        string ip = "10.0.0.5", subnet = "255.255.255.0", gateway = "10.0.0.1", dns = "8.8.8.8";
        switch (field)
        {
            case "ip": ip = value; break;
            case "subnet": subnet = value; break;
            case "gateway": gateway = value; break;
            case "dns": dns = value; break;
        }
        Assert.Equal(Msg.INVALIDARG, t.Status(Msg.IpInfo(5, Guid, 1, false, ip, subnet, gateway, dns)));
        Assert.Single(t.Log.Lines, l => l.Level == LogLevel.Err && l.Message.Contains("refused"));
        Assert.False(File.Exists(Path.Combine(t.Paths.PoolDirectory, "ifcfg-eth0")));
        Assert.False(File.Exists(Path.Combine(t.Paths.PoolDirectory, "eth0.nmconnection")));
        Assert.False(File.Exists(ran));
    }

    [Fact]
    public void FieldWithoutNulIsRefused()
    {
        using var t = WithAdapter();
        byte[] m = Msg.IpInfo(5, Guid, 1, false, "10.0.0.5", "255.255.255.0");
        for (int i = 5382; i < 5382 + 2048; i++) m[i] = (byte)'1';
        Assert.Equal(Msg.INVALIDARG, t.Status(m));
    }

    [Fact]
    public void OddAdapterIdIsRefused()
    {
        using var t = WithAdapter();
        Assert.Equal(Msg.INVALIDARG, t.Status(Msg.IpInfo(5, "{x}\n$(id)", 1, false, "10.0.0.5", "255.0.0.0")));
    }

    [Fact]
    public void UnsafeInterfaceNameIsRefused()
    {
        using var t = WithAdapter("e$(id)");
        Assert.Equal(Msg.E_FAIL, t.Status(Worked()));
        Assert.Empty(Directory.Exists(t.Paths.PoolDirectory)
            ? Directory.GetFiles(t.Paths.PoolDirectory).Where(f => !Path.GetFileName(f).StartsWith(".kvp_pool")) : []);
    }

    [Fact]
    public void ListsStopAtAnEmptyItemLikeUpstream()
    {
        var items = IpConfigParser.ParseList(System.Text.Encoding.ASCII.GetBytes("1.1.1.1; 2.2.2.2;;3.3.3.3\0\0"),
            IpConfigParser.ListKind.Dns, out string? problem);
        Assert.Null(problem);
        Assert.Equal(new[] { "1.1.1.1", "2.2.2.2" }, items);
    }
}
