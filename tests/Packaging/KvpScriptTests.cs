using System.IO;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>hv_get_dns_info and hv_get_dhcp_info against each network stack they ask
/// (stubs for nmcli/resolvectl, real files for networkd, ifupdown and ifcfg).</summary>
public sealed class KvpScriptTests
{
    const string NmRunning = """
        case "$*" in
            "-t -f RUNNING general") echo running ;;
            "-g IP4.DNS,IP6.DNS device show eth0") printf '10.0.0.2 | 10.0.0.3\nfe80\\:\\:1%%eth0\n' ;;
            "-g GENERAL.CONNECTION device show eth0") echo 'Wired connection 1' ;;
            "-g ipv4.method connection show Wired connection 1") echo "$METHOD" ;;
            *) exit 10 ;;
        esac
        """;

    [SkippableFact]
    public void Dns_lists_resolv_conf_nameservers_once_each_in_order()
    {
        using var s = new ScriptSandbox();
        s.Seed("/etc/resolv.conf", "# generated\nsearch example.test\nnameserver 10.1.1.1\nnameserver 2001:db8::53\nnameserver 10.1.1.1\noptions edns0\n");

        s.Run("hv_get_dns_info", "eth0");

        Assert.True(s.ExitCode == 0, s.Describe());
        Assert.Equal("10.1.1.1\n2001:db8::53\n", s.Stdout);
    }

    [SkippableFact]
    public void Dns_follows_the_systemd_resolved_stub_to_the_real_servers()
    {
        using var s = new ScriptSandbox();
        s.Seed("/etc/resolv.conf", "nameserver 127.0.0.53\noptions edns0 trust-ad\n")
         .Seed("/run/systemd/resolve/resolv.conf", "nameserver 192.0.2.1\nnameserver 192.0.2.2\n")
         .Stub("resolvectl", "exit 1");

        s.Run("hv_get_dns_info", "eth0");

        Assert.Equal("192.0.2.1\n192.0.2.2\n", s.Stdout);
        Assert.Contains("resolvectl dns eth0", s.Calls);
    }

    [SkippableFact]
    public void Dns_asks_resolved_per_link_when_it_runs()
    {
        using var s = new ScriptSandbox();
        s.Seed("/etc/resolv.conf", "nameserver 127.0.0.53\n")
         .SeedDirectory("/run/systemd/resolve")
         .Stub("resolvectl", "echo 'Link 2 (eth0): 192.0.2.9 2001:db8::9'");

        s.Run("hv_get_dns_info", "eth0");

        Assert.Equal("192.0.2.9\n2001:db8::9\n", s.Stdout);
    }

    [SkippableFact]
    public void Dns_asks_NetworkManager_first_unescapes_its_colons_and_drops_ipv6_zones()
    {
        using var s = new ScriptSandbox();
        s.Seed("/etc/resolv.conf", "nameserver 10.9.9.9\n").Stub("nmcli", NmRunning);

        s.Run("hv_get_dns_info", "eth0");

        Assert.Equal("10.0.0.2\n10.0.0.3\nfe80::1\n", s.Stdout);
    }

    [SkippableFact]
    public void Dns_refuses_an_interface_name_that_is_not_plain()
    {
        using var s = new ScriptSandbox();
        s.Seed("/etc/resolv.conf", "nameserver 10.9.9.9\n").Stub("nmcli", NmRunning);

        s.Run("hv_get_dns_info", "eth0;reboot");

        Assert.Equal((2, ""), (s.ExitCode, s.Stdout));
        Assert.Empty(s.Calls);
    }

    [SkippableTheory]
    [InlineData("auto", "Enabled")]
    [InlineData("manual", "Disabled")]
    public void Dhcp_from_NetworkManager_is_the_active_connection_s_ipv4_method(string method, string expected)
    {
        using var s = new ScriptSandbox();
        s.Stub("nmcli", "METHOD=" + method + "\n" + NmRunning);

        s.Run("hv_get_dhcp_info", "eth0");

        Assert.True(s.ExitCode == 0, s.Describe());
        Assert.Equal(expected + "\n", s.Stdout);
    }

    [SkippableTheory]
    [InlineData("DHCP=yes", "Enabled")]
    [InlineData("DHCP = ipv4", "Enabled")]
    [InlineData("DHCP=ipv6", "Disabled")]
    [InlineData("Address=10.0.0.5/24", "Disabled")]
    public void Dhcp_from_networkd_is_the_applied_network_file_s_DHCP_setting(string line, string expected)
    {
        using var s = new ScriptSandbox();
        // "lo" has ifindex 1 on every machine: networkd's state file is named by the index.
        Assert.Equal("1", File.ReadAllText("/sys/class/net/lo/ifindex").Trim());
        s.Seed("/run/systemd/netif/links/1", "ADMIN_STATE=configured\nNETWORK_FILE=/etc/systemd/network/50-lo.network\n")
         .Seed("/etc/systemd/network/50-lo.network", "[Match]\nName=lo\n\n[Network]\n" + line + "\n");

        s.Run("hv_get_dhcp_info", "lo");

        Assert.Equal(expected + "\n", s.Stdout);
    }

    [SkippableTheory]
    [InlineData("iface eth7 inet dhcp", "Enabled")]
    [InlineData("iface eth7 inet static\n    address 10.0.0.7/24", "Disabled")]
    [InlineData("iface eth70 inet dhcp", "Disabled")]
    public void Dhcp_from_ifupdown_reads_interfaces_d(string stanza, string expected)
    {
        using var s = new ScriptSandbox();
        s.Seed("/etc/network/interfaces", "source /etc/network/interfaces.d/*\nauto lo\niface lo inet loopback\n")
         .Seed("/etc/network/interfaces.d/eth7", "auto eth7\n" + stanza + "\n");

        s.Run("hv_get_dhcp_info", "eth7");

        Assert.Equal(expected + "\n", s.Stdout);
    }

    [SkippableTheory]
    [InlineData("/etc/sysconfig/network-scripts/ifcfg-eth7", "BOOTPROTO=\"dhcp\"", "Enabled")]
    [InlineData("/etc/sysconfig/network-scripts/ifcfg-eth7", "BOOTPROTO=none", "Disabled")]
    [InlineData("/etc/sysconfig/network/ifcfg-eth7", "BOOTPROTO='dhcp4'", "Enabled")]
    public void Dhcp_from_ifcfg_files(string path, string line, string expected)
    {
        using var s = new ScriptSandbox();
        s.Seed(path, "DEVICE=eth7\n" + line + "\nONBOOT=yes\n");

        s.Run("hv_get_dhcp_info", "eth7");

        Assert.Equal(expected + "\n", s.Stdout);
    }

    [SkippableTheory]
    [InlineData("eth7", 0)]
    [InlineData("", 2)]
    [InlineData("eth7 x", 2)]
    public void Dhcp_defaults_to_Disabled(string iface, int status)
    {
        using var s = new ScriptSandbox();

        s.Run("hv_get_dhcp_info", iface);

        Assert.Equal(("Disabled\n", status), (s.Stdout, s.ExitCode));
    }
}
