using System;
using System.Collections.Generic;
using System.Numerics;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// The machine's interface addresses via getifaddrs(3), in its order. Address text is
/// inet_ntop's, so it matches upstream byte for byte; the subnet is a dotted mask for IPv4 and
/// "/prefix" for IPv6 (upstream's GET_IP_INFO forms).
/// </summary>
internal static class InterfaceAddresses
{
    /// <returns>The addresses, or null with <paramref name="errno"/> when getifaddrs failed.</returns>
    public static List<IfAddress>? Read(out Errno errno)
    {
        List<InterfaceEntry>? entries = InterfaceList.Read(out errno);
        if (entries is null) return null;
        var list = new List<IfAddress>(entries.Count);
        foreach (InterfaceEntry e in entries)
        {
            string subnet = e.Netmask is null ? ""
                : e.IsIPv6 ? "/" + PrefixLength(e.Netmask) : IpText.Format(false, e.Netmask);
            list.Add(new IfAddress(e.Name, e.IsIPv6, e.Loopback, IpText.Format(e.IsIPv6, e.Address), subnet));
        }
        return list;
    }

    /// <summary>Set bits of a netmask (upstream counts them all, not just the leading run).</summary>
    public static int PrefixLength(ReadOnlySpan<byte> mask)
    {
        int bits = 0;
        foreach (byte b in mask) bits += BitOperations.PopCount(b);
        return bits;
    }
}
