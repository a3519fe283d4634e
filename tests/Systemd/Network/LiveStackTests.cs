using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.Wire;
using Xunit;
using Xunit.Abstractions;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// SET_IP_INFO from the simulated host, through hv_kvp_daemon.service and the installed
/// hv_set_ifconfig, on a real network stack: the kernel must then have exactly the injected
/// addresses and one default route per gateway, the stack the injected DNS servers, and
/// GET_IP_INFO must report the same back. A second injection must replace the first.
/// Each case prints what was injected and what the kernel had (also appended to
/// out/network-stacks.txt, where docs/kvp.md's table comes from).
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class LiveStackTests(ContainerFixture containers, ITestOutputHelper output)
{
    /// <summary>Beyond NetworkManager's 45 s DHCP wait would be a hang, not a slow machine.</summary>
    static readonly TimeSpan Settle = TimeSpan.FromSeconds(30);
    static readonly TimeSpan SetWait = TimeSpan.FromSeconds(60);

    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (NetworkStack s in NetworkStack.All)
                foreach (IpVariant v in IpVariant.Five) data.Add(s.Name, v.Name);
            return data;
        }
    }

    public static TheoryData<string> Stacks
    {
        get
        {
            var data = new TheoryData<string>();
            foreach (NetworkStack s in NetworkStack.All) data.Add(s.Name);
            return data;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Cases))]
    public void Injection_is_in_effect(string stack, string variant)
    {
        NetworkStack s = NetworkStack.Named(stack);
        IpVariant v = IpVariant.Named(variant);
        NetworkGuest g = NetworkGuest.Of(containers);
        s.Use(g);
        Inject(g, s, v);
    }

    [SkippableTheory]
    [MemberData(nameof(Stacks))]
    public void A_second_injection_replaces_the_first(string stack)
    {
        NetworkStack s = NetworkStack.Named(stack);
        NetworkGuest g = NetworkGuest.Of(containers);
        s.Use(g);
        Inject(g, s, IpVariant.DualStack);
        Inject(g, s, IpVariant.Replacement);
    }

    void Inject(NetworkGuest g, NetworkStack s, IpVariant v)
    {
        string since = g.Now();
        KvpReply set = g.Container.Host.Kvp.SetIpInfo(v.Info, SetWait);
        // Which stack hv_set_ifconfig chose (NetworkManager installed, enabled and stopped must not be it).
        string applied = string.Join('\n', g.ScriptLines(since));
        KernelNet k = KernelNet.WaitFor(g, v.HeldBy, Settle);
        List<string> dns = StackDns.Read(g, s);
        KvpReply get = g.Container.Host.Kvp.GetIpInfo(NetworkGuest.Mac, TimeSpan.FromSeconds(30));
        string line = s.Name + " | " + v.Injected() + " | SET_IP_INFO " + set + " | kernel: " + k + ", DNS " + Join(dns)
                      + " | GET_IP_INFO " + Describe(get);
        output.WriteLine(line);
        Console.Error.WriteLine(line);   // in the run's log as well, beside the boot lines
        Record(line);
        string context = line + "\n" + k.Raw + "\n" + g.Journal();
        Assert.True(set.Ok, "SET_IP_INFO failed: " + context);
        Assert.True(applied == s.Name + ": applied the host's configuration for eth0", "hv_set_ifconfig logged: " + applied + "\n" + context);
        Assert.True(v.HeldBy(k), "the kernel does not have the injected configuration: " + context);
        // The host's order is the order of preference: each further gateway a higher metric.
        for (int i = 1; i < v.Gateways4.Length; i++)
            Assert.True(k.Metric(v.Gateways4[i - 1]) < k.Metric(v.Gateways4[i]), "gateways not preferred in the host's order: " + context);
        Assert.True(IpVariant.SameDns(v.Dns, dns), "DNS " + Join(dns) + " instead of " + Join(v.Dns.ToList()) + ": " + context);
        Assert.True(get.Ok && get.IpInfo is not null, "GET_IP_INFO: " + context);
        KvpIpInfo info = get.IpInfo!;
        var reported = Split(info.IpAddresses).Where(a => !a.StartsWith("fe80:", StringComparison.OrdinalIgnoreCase)).ToList();
        Assert.True(reported.Order().SequenceEqual(k.Addresses.Select(a => a[..a.IndexOf('/')]).Order()),
                    "GET_IP_INFO addresses " + info.IpAddresses + ": " + context);
        Assert.True(Split(info.Gateways).Order().SequenceEqual(k.Gateways4.Concat(k.Gateways6).Order()),
                    "GET_IP_INFO gateways " + info.Gateways + ": " + context);
        Assert.True(Split(info.DnsServers).Order().SequenceEqual(v.Dns.Order()), "GET_IP_INFO DNS " + info.DnsServers + ": " + context);
        Assert.Equal(v.Dhcp, info.DhcpEnabled);
    }

    static List<string> Split(string s) => s.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToList();

    static string Join(List<string> items) => items.Count == 0 ? "none" : string.Join(' ', items);

    static string Describe(KvpReply r) => r.IpInfo is not { } i ? r.ToString()
        : "addresses " + i.IpAddresses + " / " + i.SubNets + ", gateways " + i.Gateways + ", DNS " + i.DnsServers + ", DHCP " + (i.DhcpEnabled ? "yes" : "no");

    static void Record(string line)
    {
        try { File.AppendAllText(Path.Combine(SystemdEnvironment.RepoRoot, "out", "network-stacks.txt"), line + "\n"); }
        catch (IOException) { }
    }
}
