using System.Text.RegularExpressions;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>hv_set_ifconfig applies the daemon's ifcfg file through each network stack: the
/// file it writes (content, mode) and the commands it runs, with the stacks' tools stubbed.
/// The input is the worked SET_IP_INFO example of docs/protocol.md §4.8 as hv_kvp_daemon writes it.</summary>
public sealed class SetIfconfigTests
{
    const string V6 = "2001:0db8:0000:0000:0000:0000:0000:0005";
    const string V6Dns = "2001:0db8:0000:0000:0000:0000:0000:0053";

    const string Example = $"""
        HWADDR=00:15:5D:01:02:03
        DEVICE=eth0
        BOOTPROTO=none
        IPADDR0=10.0.0.5
        IPADDR1=10.0.0.6
        IPV6ADDR={V6}
        NETMASK0=255.255.255.0
        NETMASK1=255.255.0.0
        IPV6NETMASK=64
        GATEWAY=10.0.0.1
        GATEWAY1=10.0.0.2
        DNS1=8.8.8.8
        DNS2={V6Dns}

        """;

    const string NmRunning = """
        case "$1 $2" in
            "-t -f") echo running ;;
            "connection load") [ -f "$3" ] || exit 3 ;;
            "connection up") ;;
            *) exit 10 ;;
        esac
        """;

    static string Run(ScriptSandbox s, string ifcfg = Example)
    {
        string file = s.HostFile("ifcfg-eth0", ifcfg);
        s.Run("hv_set_ifconfig", file, file.Replace("ifcfg-eth0", "eth0.nmconnection"));
        return file;
    }

    [SkippableFact]
    public void NetworkManager_gets_a_private_keyfile_loaded_and_brought_up_by_uuid()
    {
        using var s = new ScriptSandbox();
        s.Stub("nmcli", NmRunning);

        Run(s);

        Assert.True(s.ExitCode == 0, s.Describe());
        const string path = "/etc/NetworkManager/system-connections/hyperv-eth0.nmconnection";
        string? keyfile = s.Result(path);
        Assert.NotNull(keyfile);
        Assert.Equal((System.IO.UnixFileMode)0x180, s.ResultMode(path));   // 0600, or NM ignores it
        string uuid = Regex.Match(keyfile!, "^uuid=([0-9a-f-]{36})$", RegexOptions.Multiline).Groups[1].Value;
        Assert.NotEmpty(uuid);
        Assert.Equal($"""
            [connection]
            id=hyperv-eth0
            uuid={uuid}
            type=ethernet
            interface-name=eth0
            autoconnect=true
            autoconnect-priority=100

            [ethernet]
            mac-address=00:15:5d:01:02:03

            [ipv4]
            method=manual
            address1=10.0.0.5/24
            address2=10.0.0.6/16
            gateway=10.0.0.1
            route1=0.0.0.0/0,10.0.0.2,200
            dns=8.8.8.8;

            [ipv6]
            method=manual
            address1={V6}/64
            dns={V6Dns};

            """, keyfile);
        Assert.Equal(["nmcli -t -f RUNNING general", "nmcli connection load " + path, "nmcli connection up uuid " + uuid], s.Calls);
    }

    [SkippableFact]
    public void Netplan_gets_a_yaml_file_and_an_apply()
    {
        using var s = new ScriptSandbox();
        s.SeedDirectory("/etc/netplan").Stub("netplan");

        Run(s);

        Assert.True(s.ExitCode == 0, s.Describe());
        Assert.Equal($"""
            network:
              version: 2
              ethernets:
                eth0:
                  dhcp4: false
                  addresses:
                    - "10.0.0.5/24"
                    - "10.0.0.6/16"
                    - "{V6}/64"
                  routes:
                    - to: default
                      via: "10.0.0.1"
                      metric: 100
                    - to: default
                      via: "10.0.0.2"
                      metric: 200
                  nameservers:
                    addresses:
                      - "8.8.8.8"
                      - "{V6Dns}"

            """, s.Result("/etc/netplan/90-hyperv-eth0.yaml"));
        Assert.Equal((System.IO.UnixFileMode)0x180, s.ResultMode("/etc/netplan/90-hyperv-eth0.yaml"));
        Assert.Equal(["netplan apply"], s.Calls);
    }

    [SkippableFact]
    public void Networkd_gets_a_network_file_matched_by_name_and_a_reconfigure()
    {
        using var s = new ScriptSandbox();
        s.SeedDirectory("/run/systemd/netif/links").Stub("networkctl").Stub("systemctl");

        Run(s);

        Assert.True(s.ExitCode == 0, s.Describe());
        Assert.Equal($"""
            [Match]
            Name=eth0

            [Network]
            DHCP=no
            Address=10.0.0.5/24
            Address=10.0.0.6/16
            Address={V6}/64
            DNS=8.8.8.8
            DNS={V6Dns}

            [Route]
            Gateway=10.0.0.1
            Metric=100

            [Route]
            Gateway=10.0.0.2
            Metric=200

            """, s.Result("/etc/systemd/network/10-hyperv-eth0.network"));
        Assert.Equal(["systemctl is-active --quiet systemd-networkd.service", "networkctl reload", "networkctl reconfigure eth0"], s.Calls);
    }

    [SkippableFact]
    public void Networkd_with_dhcp_and_no_addresses()
    {
        using var s = new ScriptSandbox();
        s.SeedDirectory("/run/systemd/netif/links").Stub("networkctl").Stub("systemctl");

        Run(s, "HWADDR=00:15:5D:01:02:03\nDEVICE=eth0\nBOOTPROTO=dhcp\n");

        Assert.True(s.ExitCode == 0, s.Describe());
        Assert.Equal("[Match]\nName=eth0\n\n[Network]\nDHCP=ipv4\n", s.Result("/etc/systemd/network/10-hyperv-eth0.network"));
    }

    [SkippableFact]
    public void Ifupdown_gets_a_stanza_per_address_in_interfaces_d_and_a_restart()
    {
        using var s = new ScriptSandbox();
        s.Seed("/etc/network/interfaces", "source /etc/network/interfaces.d/*\nauto lo\niface lo inet loopback\n")
         .Stub("ifup").Stub("ifdown");

        Run(s);

        Assert.True(s.ExitCode == 0, s.Describe());
        Assert.Equal($"""
            auto eth0
            iface eth0 inet static
                address 10.0.0.5/24
                gateway 10.0.0.1
            iface eth0 inet static
                address 10.0.0.6/16
                up ip route add default via 10.0.0.2 dev eth0 metric 200
                down ip route del default via 10.0.0.2 dev eth0 metric 200 || true
                dns-nameservers 8.8.8.8 {V6Dns}
            iface eth0 inet6 static
                address {V6}/64

            """, s.Result("/etc/network/interfaces.d/hyperv-eth0"));
        Assert.Equal(["ifdown --force eth0", "ifup eth0"], s.Calls);
    }

    [SkippableFact]
    public void Ifupdown_does_not_override_an_interface_the_admin_configured_in_interfaces()
    {
        using var s = new ScriptSandbox();
        s.Seed("/etc/network/interfaces", "source /etc/network/interfaces.d/*\nauto eth0\niface eth0 inet dhcp\n")
         .Stub("ifup").Stub("ifdown");

        Run(s);

        Assert.Equal(1, s.ExitCode);
        Assert.Contains("configured in /etc/network/interfaces itself", s.Stderr);
        Assert.Null(s.Result("/etc/network/interfaces.d/hyperv-eth0"));
        Assert.Empty(s.Calls);
    }

    [SkippableFact]
    public void Network_scripts_get_upstream_s_ifcfg_with_the_boot_settings_appended()
    {
        using var s = new ScriptSandbox();
        s.SeedDirectory("/etc/sysconfig/network-scripts").Stub("ifup").Stub("ifdown");

        Run(s);

        Assert.True(s.ExitCode == 0, s.Describe());
        Assert.Equal(Example + "IPV6INIT=yes\nNM_CONTROLLED=no\nPEERDNS=yes\nONBOOT=yes\n",
                     s.Result("/etc/sysconfig/network-scripts/ifcfg-eth0"));
        Assert.Equal(["ifdown eth0", "ifup eth0"], s.Calls);
    }

    [SkippableFact]
    public void A_value_that_is_not_a_plain_address_is_refused_before_anything_is_written()
    {
        using var s = new ScriptSandbox();
        s.Stub("nmcli", NmRunning);

        Run(s, Example.Replace("IPADDR1=10.0.0.6", "IPADDR1=10.0.0.6;reboot"));

        Assert.Equal(1, s.ExitCode);
        Assert.Contains("unexpected value in IPADDR1", s.Stderr);
        Assert.Empty(s.ResultFiles("/etc"));
        Assert.Empty(s.Calls);
    }

    /// <summary>nmcli exits 0 when NetworkManager refuses a file (measured with NetworkManager 1.42).</summary>
    [SkippableFact]
    public void NetworkManager_refusing_the_keyfile_is_a_failure_though_nmcli_exits_0()
    {
        using var s = new ScriptSandbox();
        s.Stub("nmcli", NmRunning.Replace("\"connection load\") [ -f \"$3\" ] || exit 3 ;;",
                                          "\"connection load\") echo \"Could not load file '$3'\" >&2 ;;"));
        Run(s);
        Assert.Equal(1, s.ExitCode);
        Assert.Contains("NetworkManager could not apply the configuration for eth0: Could not load file '/etc/NetworkManager/system-connections/hyperv-eth0.nmconnection'", s.Stderr);
        Assert.DoesNotContain(s.Calls, c => c.StartsWith("nmcli connection up", System.StringComparison.Ordinal));
        Assert.Null(s.Result("/etc/NetworkManager/system-connections/hyperv-eth0.nmconnection"));
    }

    [SkippableFact]
    public void A_failing_stack_or_no_stack_at_all_is_a_failure()
    {
        using (var s = new ScriptSandbox())
        {
            s.Stub("nmcli", NmRunning.Replace("\"connection up\") ;;", "\"connection up\") exit 4 ;;"));
            Run(s);
            Assert.Equal(1, s.ExitCode);
            Assert.Contains("NetworkManager could not apply the configuration for eth0: exit status 4", s.Stderr);
            // Refused: no keyfile of ours left behind (there was none before).
            Assert.Null(s.Result("/etc/NetworkManager/system-connections/hyperv-eth0.nmconnection"));
        }
        using (var s = new ScriptSandbox())
        {
            Run(s);
            Assert.Equal(1, s.ExitCode);
            Assert.Contains("no NetworkManager, netplan, systemd-networkd, ifupdown or network-scripts", s.Stderr);
            Assert.Empty(s.ResultFiles("/etc"));
        }
    }
}
