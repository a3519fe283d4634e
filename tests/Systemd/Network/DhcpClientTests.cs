using System;
using HvDaemons.HostSim.Host;
using Xunit;
using Xunit.Abstractions;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// ifupdown's DHCP client, started by hv_set_ifconfig under hv_kvp_daemon.service, must outlive
/// a restart of that unit: systemd stops every process in a unit's cgroup with it, and a killed
/// client never renews the lease. hv_set_ifconfig runs ifup in a scope of its own.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class DhcpClientTests(ContainerFixture containers, ITestOutputHelper output)
{
    const string PidFile = "/run/dhclient." + NetworkGuest.Interface + ".pid";

    [SkippableFact]
    public void Ifupdowns_DHCP_client_outlives_a_restart_of_the_daemons_unit()
    {
        NetworkGuest g = NetworkGuest.Of(containers);
        NetworkStack.Ifupdown.Use(g);
        KvpReply set = g.Container.Host.Kvp.SetIpInfo(IpVariant.Dhcp4.Info, TimeSpan.FromSeconds(60));
        KernelNet k = KernelNet.WaitFor(g, IpVariant.Dhcp4.HeldBy, TimeSpan.FromSeconds(30));
        Assert.True(set.Ok && IpVariant.Dhcp4.HeldBy(k), "DHCP through ifupdown: " + set + ", " + k + "\n" + g.Journal());
        string pid = g.Shell(10, "the DHCP client's pid", "cat " + PidFile).Stdout.Trim();
        string cgroup = g.Shell(10, "the DHCP client's cgroup", "cat /proc/" + pid + "/cgroup").Stdout.Trim();

        UnitLifecycle.Started(g.Container, DaemonUnit.Kvp);   // a stop and a start

        CommandResult alive = g.Run(10, "/bin/sh", "-c", "kill -0 " + pid);
        output.WriteLine("dhclient " + pid + " in " + cgroup + ": " + (alive.ExitCode == 0 ? "alive" : "gone") + " after the unit's restart");
        Assert.False(cgroup.Contains(DaemonUnit.Kvp.Unit, StringComparison.Ordinal), "dhclient runs in the daemon's cgroup: " + cgroup);
        Assert.True(alive.ExitCode == 0, "dhclient " + pid + " did not survive the restart: " + alive.Describe());
        NetworkStack.Ifupdown.Use(g);   // ifdown: the client released
    }
}
