using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using System.Text.Unicode;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Wire;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// GET_IP_INFO and SET_IP_INFO: find the adapter (by MAC, or by VMBus device id), report its
/// addresses, gateways, DNS servers and DHCP state, or write its configuration files and hand
/// them to the distribution's hv_set_ifconfig. Helper scripts run without a shell.
/// </summary>
internal sealed partial class IpInfoService
{
    const int AddressBudgetReserve = Os.InetText.MaxLength + 2;
    const int DnsBudgetReserve = 17;

    readonly KvpPaths _paths;
    readonly SysNet _net;
    readonly Logger _log;

    public IpInfoService(KvpPaths paths, Logger log)
    {
        _paths = paths;
        _net = new SysNet(paths.SysClassNet);
        _log = log;
    }

    /// <summary>Readable once the daemon must stop: a running script is killed (its process
    /// group) and the request answered at once. -1 for none.</summary>
    public int StopFd { get; set; } = -1;

    /// <summary>Handles GET_IP_INFO in place; returns the status for the host.</summary>
    public uint Get(Span<byte> msg)
    {
        string? mac = AdapterId(msg, "GET_IP_INFO");
        if (mac is null) return HvStatus.E_FAIL;
        List<string> matches = _net.ByMac(mac);
        if (matches.Count == 0)
        {
            _log.Err($"GET_IP_INFO: no interface has the MAC address {mac}");
            return HvStatus.E_FAIL;
        }
        List<IfAddress>? all = InterfaceAddresses.Read(out Errno errno);
        if (all is null)
        {
            _log.Err("getifaddrs failed; error: " + Errno.Describe(errno));
            return HvStatus.E_FAIL;
        }
        // Several interfaces may share a MAC (a VF and its synthetic NIC); answer for the first with an address.
        uint status = HvStatus.E_FAIL;
        foreach (string ifname in matches)
        {
            status = Fill(msg, ifname, all, out bool hasAddress);
            if (status == HvStatus.S_OK && hasAddress) break;
        }
        // A script killed because we are stopping gave no answer: do not report a partial one.
        return StopWait.Requested(StopFd) ? HvStatus.E_FAIL : status;
    }

    uint Fill(Span<byte> msg, string ifname, List<IfAddress> all, out bool hasAddress)
    {
        hasAddress = false;
        var ips = new FieldList(KvpLayout.IpAddrLength);
        var subnets = new FieldList(KvpLayout.SubNetLength);
        byte family = AddrFamily.None;
        foreach (IfAddress a in all)
        {
            if (a.Interface != ifname || a.Loopback) continue;   // exact name: eth1 is not eth10
            if (ips.Remaining < AddressBudgetReserve || !ips.AddSeparated(a.Address) || !subnets.AddSeparated(a.Subnet))
            {
                _log.Err($"GET_IP_INFO: the addresses of {ifname} do not fit the reply");
                return HvStatus.E_FAIL;
            }
            family |= a.IsIPv6 ? AddrFamily.IPv6 : AddrFamily.IPv4;
        }
        var gateways = new FieldList(KvpLayout.GateWayLength);
        var dns = new FieldList(KvpLayout.DnsAddrLength);
        bool dhcp = false;
        if (family != AddrFamily.None)
        {
            hasAddress = true;
            foreach (string gw in RouteTable.DefaultGateways(_paths.ProcNet))
                if (!gateways.AddTerminated(gw)) break;
            foreach (string server in DnsList(ifname))
                if (dns.Remaining < DnsBudgetReserve || !dns.AddTerminated(server)) break;
            dhcp = DhcpEnabled(ifname);
        }
        msg[KvpLayout.AddrFamily] = family;
        msg[KvpLayout.DhcpEnabled] = dhcp ? (byte)1 : (byte)0;
        ips.WriteTo(msg.Slice(KvpLayout.IpAddr, KvpLayout.IpAddrLength));
        subnets.WriteTo(msg.Slice(KvpLayout.SubNet, KvpLayout.SubNetLength));
        gateways.WriteTo(msg.Slice(KvpLayout.GateWay, KvpLayout.GateWayLength));
        dns.WriteTo(msg.Slice(KvpLayout.DnsAddr, KvpLayout.DnsAddrLength));
        _log.Debug($"GET_IP_INFO {ifname}: ip={ips} subnet={subnets} gateway={gateways} dns={dns} dhcp={(dhcp ? 1 : 0)}");
        return HvStatus.S_OK;
    }

    List<string> DnsList(string ifname)
    {
        string script = _paths.Script("hv_get_dns_info");
        if (!File.Exists(script)) return DnsServers.Read(_paths);
        var lines = new List<string>();
        foreach (string line in RunScript(script, ifname))
            if (line.Length > 0) lines.Add(line);
        return lines;
    }

    bool DhcpEnabled(string ifname)
    {
        string script = _paths.Script("hv_get_dhcp_info");
        if (!File.Exists(script)) return DhcpState.IsEnabled(_paths, _net, ifname);
        List<string> lines = RunScript(script, ifname);
        return lines.Count > 0 && lines[0].StartsWith("Enabled", StringComparison.Ordinal);
    }

    /// <summary>Runs a query script with the interface as its only argument; its stdout lines
    /// (printable UTF-8 only: they go to the host).</summary>
    List<string> RunScript(string script, string ifname)
    {
        if (StopWait.Requested(StopFd)) return [];
        ChildResult r = ChildProcess.Run(script, [script, ifname], _paths.ScriptTimeoutMs, stopFd: StopFd);
        if (!r.Succeeded) _log.Err($"{script} {ifname}: {r.Describe()}");
        var lines = new List<string>();
        foreach (string raw in r.Output.Split('\n'))
        {
            string line = raw.TrimEnd('\r');
            if (line.AsSpan().IndexOfAnyInRange('\0', '\x1f') >= 0 || line.Contains('\uFFFD')) continue;
            lines.Add(line);
        }
        if (lines.Count > 0 && lines[^1].Length == 0) lines.RemoveAt(lines.Count - 1);
        return lines;
    }

    /// <summary>The adapter_id field as text, or null (logged) when it is not a clean string.</summary>
    string? AdapterId(ReadOnlySpan<byte> msg, string op)
    {
        ReadOnlySpan<byte> field = msg.Slice(KvpLayout.AdapterId, KvpLayout.AdapterIdLength);
        int nul = field.IndexOf((byte)0);
        if (nul < 0 || !Utf8.IsValid(field[..nul]) || field[..nul].IndexOfAnyInRange((byte)0, (byte)0x1f) >= 0)
        {
            _log.Err($"{op}: adapter_id is not a NUL-terminated UTF-8 string");
            return null;
        }
        return Encoding.UTF8.GetString(field[..nul]);
    }
}
