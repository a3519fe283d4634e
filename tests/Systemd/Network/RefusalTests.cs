using System;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;
using Xunit;
using Xunit.Abstractions;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// A configuration the stack itself refuses (the daemon accepts it): the host gets HV_E_FAIL,
/// hv_set_ifconfig logs one line naming the stack and its error, and eth0 keeps the
/// configuration of the injection before (the previous file back in force, re-applied).
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class RefusalTests(ContainerFixture containers, ITestOutputHelper output)
{
    public static TheoryData<string, string, KvpIpInfo> Refused => new()
    {
        // NetworkManager: "ipv6.gateway: gateway cannot be set if there are no addresses configured".
        { NetworkStack.NetworkManager.Name, "an IPv6 gateway without an IPv6 address",
          IpVariant.V4Only.Info with { Gateways = "192.0.2.1;2001:db8:1::1" } },
        // ifupdown: the second stanza's `ip addr add` finds the address there already.
        { NetworkStack.Ifupdown.Name, "the same address twice",
          IpVariant.V4Only.Info with { IpAddresses = "192.0.2.10;192.0.2.10", SubNets = "255.255.255.0;255.255.255.0" } },
    };

    [SkippableTheory]
    [MemberData(nameof(Refused))]
    public void A_refused_configuration_is_HV_E_FAIL_one_line_and_the_previous_one_stays(string stack, string what, KvpIpInfo refused)
    {
        NetworkStack s = NetworkStack.Named(stack);
        NetworkGuest g = NetworkGuest.Of(containers);
        s.Use(g);
        KvpReply first = g.Container.Host.Kvp.SetIpInfo(IpVariant.V4Only.Info, TimeSpan.FromSeconds(60));
        KernelNet before = KernelNet.WaitFor(g, IpVariant.V4Only.HeldBy, TimeSpan.FromSeconds(30));
        Assert.True(first.Ok && IpVariant.V4Only.HeldBy(before), "the first injection: " + first + ", " + before + "\n" + g.Journal());

        string since = g.Now();
        KvpReply set = g.Container.Host.Kvp.SetIpInfo(refused, TimeSpan.FromSeconds(60));
        KernelNet after = KernelNet.WaitFor(g, IpVariant.V4Only.HeldBy, TimeSpan.FromSeconds(30));
        string[] lines = g.ScriptLines(since);
        output.WriteLine(stack + ", " + what + ": SET_IP_INFO " + set + "; logged: " + string.Join(" / ", lines) + "; kernel after: " + after);

        Assert.True(set.Status == HvStatus.E_FAIL && set.Source == AnswerSource.Daemon, what + ": " + set + "\n" + g.Journal());
        Assert.True(lines.Length == 1 && lines[0].StartsWith(stack + " could not apply the configuration for eth0: ", StringComparison.Ordinal)
                    && lines[0].Length > (stack + " could not apply the configuration for eth0: ").Length,
                    "one line naming the stack and its error, got:\n" + string.Join('\n', lines));
        Assert.True(IpVariant.V4Only.HeldBy(after), "the previous configuration is gone: " + after + "\n" + after.Raw);
    }
}
