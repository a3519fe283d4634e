using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;

using HvDaemons.Os;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// Default gateways read from /proc/net/route and /proc/net/ipv6_route: the same set upstream
/// takes from `ip -4/-6 route show` lines starting with "default ... via", system-wide,
/// IPv4 first, in table order, duplicates kept as ip prints them, without running anything.
/// </summary>
internal static class RouteTable
{
    const uint RtfUp = 0x0001;
    const uint RtfGateway = 0x0002;
    const uint RtfReject = 0x0200;
    const uint RtfCache = 0x01000000;

    public static List<string> DefaultGateways(string procNet)
    {
        var list = new List<string>();
        list.AddRange(ParseIPv4(TextFile.ReadOrEmpty(Path.Combine(procNet, "route"))));
        list.AddRange(ParseIPv6(TextFile.ReadOrEmpty(Path.Combine(procNet, "ipv6_route"))));
        return list;
    }

    /// <summary>Lines "Iface Destination Gateway Flags RefCnt Use Metric Mask ..." with
    /// little-endian hex addresses; a default route has destination and mask 0.</summary>
    public static List<string> ParseIPv4(string text)
    {
        var list = new List<string>();
        foreach (string line in text.Split('\n'))
        {
            string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 8 || f[0] == "Iface") continue;
            if (!Hex32(f[1], out uint dest) || !Hex32(f[2], out uint gw) || !Hex32(f[3], out uint flags) || !Hex32(f[7], out uint mask))
                continue;
            if (dest != 0 || mask != 0 || gw == 0) continue;
            if ((flags & RtfUp) == 0 || (flags & RtfGateway) == 0 || (flags & RtfReject) != 0) continue;
            // /proc prints the address as a host-order (little-endian) number.
            Span<byte> a = [(byte)gw, (byte)(gw >> 8), (byte)(gw >> 16), (byte)(gw >> 24)];
            string text4 = IpText.Format(false, a);
            list.Add(text4);
        }
        return list;
    }

    /// <summary>Lines "dest plen src plen nexthop metric refcnt use flags dev" (hex, no colons).</summary>
    public static List<string> ParseIPv6(string text)
    {
        var list = new List<string>();
        Span<byte> a = stackalloc byte[16];
        foreach (string line in text.Split('\n'))
        {
            string[] f = line.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length < 10 || f[0].Length != 32 || f[4].Length != 32) continue;
            if (f[0] != new string('0', 32) || f[1] != "00") continue;
            if (!Hex32(f[8], out uint flags)) continue;
            if ((flags & RtfUp) == 0 || (flags & RtfGateway) == 0 || (flags & (RtfReject | RtfCache)) != 0) continue;
            if (f[4] == new string('0', 32)) continue;
            if (!Convert.FromHexString(f[4], a, out _, out _).Equals(System.Buffers.OperationStatus.Done)) continue;
            string text6 = IpText.Format(true, a);
            list.Add(text6);
        }
        return list;
    }

    static bool Hex32(string s, out uint value) => uint.TryParse(s, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);

}
