using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Os;
using HvDaemons.Wire;
using static HvDaemons.Kvp.Net.IpConfigParser;

namespace HvDaemons.Kvp.Net;

internal sealed partial class IpInfoService
{
    /// <summary>Handles SET_IP_INFO; returns the status for the host. Everything is validated
    /// before the first byte is written.</summary>
    public uint Set(ReadOnlySpan<byte> msg)
    {
        string? guid = AdapterId(msg, "SET_IP_INFO");
        if (guid is null) return HvStatus.INVALIDARG;
        if (!IsGuidText(guid))
        {
            _log.Err($"SET_IP_INFO: adapter_id \"{guid}\" is not a GUID; refused");
            return HvStatus.INVALIDARG;
        }
        string? ifname = _net.ByDeviceId(guid);
        if (ifname is null)
        {
            _log.Err($"SET_IP_INFO: no interface has the device id {guid}");
            return HvStatus.GUID_NOTFOUND;
        }
        if (!IsSafeInterfaceName(ifname))
        {
            _log.Err($"SET_IP_INFO: interface name \"{ifname}\" is not safe in a file name; refused");
            return HvStatus.E_FAIL;
        }
        string? mac = _net.Mac(ifname);
        if (mac is null || !IsSafeMac(mac))
        {
            _log.Err($"SET_IP_INFO: cannot read the MAC address of {ifname}");
            return HvStatus.E_FAIL;
        }

        List<string>? ips = List(msg, KvpLayout.IpAddr, KvpLayout.IpAddrLength, ListKind.Address, "ip_addr");
        List<string>? subnets = List(msg, KvpLayout.SubNet, KvpLayout.SubNetLength, ListKind.Subnet, "sub_net");
        List<string>? gateways = List(msg, KvpLayout.GateWay, KvpLayout.GateWayLength, ListKind.Gateway, "gate_way");
        List<string>? dns = List(msg, KvpLayout.DnsAddr, KvpLayout.DnsAddrLength, ListKind.Dns, "dns_addr");
        if (ips is null || subnets is null || gateways is null || dns is null) return HvStatus.INVALIDARG;
        string? pairs = CheckPairs(ips, subnets);
        if (pairs is not null)
        {
            _log.Err($"SET_IP_INFO {ifname}: {pairs}; refused");
            return HvStatus.INVALIDARG;
        }

        var config = new IpConfig(ifname, mac, msg[KvpLayout.DhcpEnabled] != 0, ips, subnets, gateways, dns);
        string ifcfg = Path.Combine(_paths.ConfigDirectory, "ifcfg-" + ifname);
        string keyfile = Path.Combine(_paths.ConfigDirectory, ifname + ".nmconnection");
        if (!WriteConfig(ifcfg, IfcfgWriter.Format(config)) || !WriteConfig(keyfile, NmKeyfileWriter.Format(config)))
            return HvStatus.E_FAIL;

        string script = _paths.Script("hv_set_ifconfig");
        if (!File.Exists(script))
        {
            _log.Err($"SET_IP_INFO {ifname}: {script} is missing; wrote {ifcfg} and {keyfile} but nothing applies them");
            return HvStatus.E_FAIL;
        }
        ChildResult r = ChildProcess.Run(script, [script, ifcfg, keyfile], _paths.SetScriptTimeoutMs, stopFd: StopFd);
        if (!r.Succeeded)
        {
            _log.Err($"Failed to execute cmd '{script} {ifcfg} {keyfile}'; error: {r.Describe()}");
            return HvStatus.E_FAIL;
        }
        _log.Info($"SET_IP_INFO {ifname}: configuration applied by {script}");
        return HvStatus.S_OK;
    }

    List<string>? List(ReadOnlySpan<byte> msg, int offset, int length, ListKind kind, string name)
    {
        List<string>? items = ParseList(msg.Slice(offset, length), kind, out string? problem);
        if (items is null) _log.Err($"SET_IP_INFO: {name} {problem}; refused");
        return items;
    }

    /// <summary>Replaces the file atomically (<see cref="AtomicFile"/>): after a power cut it holds
    /// the old configuration or the new one, never a truncated file.</summary>
    bool WriteConfig(string path, string text)
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Err($"Failed to open config file {path}; error: {e.Message}");
            return false;
        }
        SysResult r = AtomicFile.Write(path, System.Text.Encoding.UTF8.GetBytes(text));
        if (!r.Ok) _log.Err($"Failed to write config file {path}; error: {Errno.Describe(r.Error)}");
        return r.Ok;
    }

    static bool IsGuidText(string s)
    {
        if (s.Length is 0 or > 64) return false;
        foreach (char c in s)
            if (!(char.IsAsciiHexDigit(c) || c is '-' or '{' or '}')) return false;
        return true;
    }
}
