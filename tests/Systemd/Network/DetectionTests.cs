using System;
using HvDaemons.HostSim.Host;
using Xunit;
using Xunit.Abstractions;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// hv_set_ifconfig's choice where several stacks are installed (docs/kvp.md, "IP injection on
/// the network stacks"): NetworkManager running wins over an /etc/netplan; NetworkManager
/// installed and enabled but stopped is neither chosen nor started, not by SET_IP_INFO and not
/// by GET_IP_INFO's queries (both ask nmcli).
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class DetectionTests(ContainerFixture containers, ITestOutputHelper output)
{
    [SkippableFact]
    public void A_running_NetworkManager_applies_although_netplan_is_there()
    {
        NetworkGuest g = NetworkGuest.Of(containers);
        NetworkStack.NetworkManager.Use(g);
        g.Shell(10, "an /etc/netplan", "mkdir -p /etc/netplan");
        Assert.Equal("NetworkManager", Applier(g, IpVariant.V4Only));
    }

    [SkippableFact]
    public void An_enabled_but_stopped_NetworkManager_is_not_chosen_nor_started()
    {
        NetworkGuest g = NetworkGuest.Of(containers);
        NetworkStack.Ifupdown.Use(g);
        Assert.Equal("enabled", g.Run(10, "systemctl", "is-enabled", "NetworkManager.service").Stdout.Trim());
        Assert.Equal("ifupdown", Applier(g, IpVariant.V4Only));
        KvpReply get = g.Container.Host.Kvp.GetIpInfo(NetworkGuest.Mac, TimeSpan.FromSeconds(30));
        string state = g.Run(10, "systemctl", "is-active", "NetworkManager.service").Stdout.Trim();
        output.WriteLine("NetworkManager enabled, stopped: ifupdown applied; GET_IP_INFO " + get + "; NetworkManager " + state);
        Assert.True(get.Ok, "GET_IP_INFO: " + get);
        Assert.Equal("inactive", state);
    }

    // The stack hv_set_ifconfig names in its success line for this injection.
    static string Applier(NetworkGuest g, IpVariant v)
    {
        string since = g.Now();
        KvpReply set = g.Container.Host.Kvp.SetIpInfo(v.Info, TimeSpan.FromSeconds(60));
        string line = string.Join('\n', g.ScriptLines(since));
        Assert.True(set.Ok, "SET_IP_INFO " + set + ": " + line + "\n" + g.Journal());
        const string suffix = ": applied the host's configuration for eth0";
        Assert.True(line.EndsWith(suffix, StringComparison.Ordinal) && !line.Contains('\n'), "hv_set_ifconfig logged: " + line);
        return line[..^suffix.Length];
    }
}
