using System;
using System.Runtime.CompilerServices;
using Xunit;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// The network container (<see cref="DebianRelease.BookwormNetwork"/>) made into a Hyper-V guest
/// with one adapter: eth0, a veth with a fixed MAC whose peer sits in a network namespace made
/// inside the container (the "host side": the gateways' addresses and a DHCP server). eth0 has no
/// VMBus device, so hv_kvp_daemon.service gets HV_KVP_SYS_CLASS_NET (hv_kvp_daemon(8)) naming a
/// tree of the test's own where eth0's device/device_id is the adapter GUID the host sends.
/// Nothing leaves the container: its network is private (--private-network).
/// </summary>
public sealed class NetworkGuest
{
    public const string Interface = "eth0";
    public const string Mac = "00:15:5D:4E:54:01";
    public const string AdapterGuid = "{4e54f00d-7c1e-4b5a-9d3c-0123456789ab}";
    const string SysClassNet = "/var/lib/hvd-net/class/net";
    const string PeerNamespace = "hvdpeer";

    static readonly ConditionalWeakTable<BootedContainer, NetworkGuest> Prepared = new();

    NetworkGuest(BootedContainer c) => Container = c;

    public BootedContainer Container { get; }

    /// <summary>The guest of the network container, set up on first use.</summary>
    public static NetworkGuest Of(ContainerFixture containers)
    {
        BootedContainer c = containers.Get(DebianRelease.BookwormNetwork.Name);
        lock (Prepared)
        {
            if (Prepared.TryGetValue(c, out NetworkGuest? g)) return g;
            g = new NetworkGuest(c);
            g.Shell(60, "set up the adapter",
                // The adapter and its peer (the host side) in a namespace of its own.
                "ip link add " + Interface + " address " + Mac.ToLowerInvariant() + " type veth peer name hvpeer0",
                "ip netns add " + PeerNamespace,
                "ip link set hvpeer0 netns " + PeerNamespace,
                "ip -n " + PeerNamespace + " link set lo up",
                "ip -n " + PeerNamespace + " link set hvpeer0 up",
                "ip -n " + PeerNamespace + " addr add 192.0.2.1/24 dev hvpeer0",
                "ip -n " + PeerNamespace + " addr add 198.51.100.1/24 dev hvpeer0",
                "ip -n " + PeerNamespace + " addr add 203.0.113.1/24 dev hvpeer0",
                "ip -n " + PeerNamespace + " -6 addr add 2001:db8:1::1/64 dev hvpeer0 nodad",
                "ip -n " + PeerNamespace + " -6 addr add 2001:db8:2::1/64 dev hvpeer0 nodad",
                // DHCP on the host side (no DNS service of its own: port 0), offering a DNS server.
                "systemd-run --unit=hvd-dhcp --collect ip netns exec " + PeerNamespace + " dnsmasq --keep-in-foreground" +
                " --port=0 --interface=hvpeer0 --bind-interfaces --dhcp-range=192.0.2.100,192.0.2.150,255.255.255.0,10m" +
                " --dhcp-option=option:router,192.0.2.1 --dhcp-option=option:dns-server,192.0.2.53 --dhcp-leasefile=/run/hvd-dhcp.leases",
                // The adapter's sysfs view for the daemon: the kernel's MAC, the GUID the host knows.
                "mkdir -p " + SysClassNet + "/" + Interface + "/device",
                "ln -sfn /sys/class/net/" + Interface + "/address " + SysClassNet + "/" + Interface + "/address",
                "echo '" + AdapterGuid + "' > " + SysClassNet + "/" + Interface + "/device/device_id",
                "mkdir -p /run/systemd/system/hv_kvp_daemon.service.d",
                "printf '[Service]\\nEnvironment=HV_KVP_SYS_CLASS_NET=" + SysClassNet + "\\n' > /run/systemd/system/hv_kvp_daemon.service.d/hvd-net.conf",
                "systemctl daemon-reload",
                // A container has no udev (its /sys is read-only): `netplan apply` ends in
                // `udevadm trigger`, which fails there. The one change for the container, as
                // DebianRoot's BindsTo= removal: trigger and settle do nothing, found first on PATH.
                "printf '#!/bin/sh\\ncase $1 in trigger|settle) exit 0 ;; esac\\nexec /usr/bin/udevadm \"$@\"\\n' > /usr/local/bin/udevadm",
                "chmod 755 /usr/local/bin/udevadm");
            UnitLifecycle.Started(c, DaemonUnit.Kvp);
            Prepared.Add(c, g);
            return g;
        }
    }

    /// <summary>Runs shell lines (set -e) in the container; fails the test with their output otherwise.</summary>
    public CommandResult Shell(int timeoutSeconds, string what, params string[] lines)
    {
        CommandResult r = Container.Exec(timeoutSeconds, "/bin/sh", "-ec", string.Join("\n", lines));
        Assert.True(r.ExitCode == 0, what + ": " + r.Describe());
        return r;
    }

    /// <summary>A command in the container, its result whatever it is.</summary>
    public CommandResult Run(int timeoutSeconds, string program, params string[] args) => Container.Exec(timeoutSeconds, program, args);

    /// <summary>The container's clock, as journalctl's --since takes it.</summary>
    public string Now() => "@" + Shell(10, "the container's clock", "date +%s.%N").Stdout.Trim();

    /// <summary>What hv_set_ifconfig logged since <paramref name="since"/>, once there is a line:
    /// syslog reaches the journal a moment after the script has exited (polled up to 10 s).</summary>
    public string[] ScriptLines(string since)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        while (true)
        {
            string[] lines = Run(20, "journalctl", "--no-pager", "-o", "cat", "-t", "hv_set_ifconfig", "--since", since).Stdout
                             .Split('\n', StringSplitOptions.RemoveEmptyEntries);
            if (lines.Length > 0 || clock.Elapsed > TimeSpan.FromSeconds(10)) return lines;
            System.Threading.Thread.Sleep(200);
        }
    }

    /// <summary>The journal lines hv_set_ifconfig and hv_kvp_daemon logged lately, for messages.</summary>
    public string Journal()
    {
        CommandResult j = Run(20, "journalctl", "--no-pager", "-o", "cat", "-n", "30", "-u", DaemonUnit.Kvp.Unit);
        return "journal (hv_set_ifconfig, hv_kvp_daemon):\n" + j.Stdout + j.Stderr;
    }
}
