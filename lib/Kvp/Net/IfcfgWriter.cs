using System.Collections.Generic;
using System.Text;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// The ifcfg (network-scripts) file upstream writes for SET_IP_INFO, line for line:
/// HWADDR, DEVICE, BOOTPROTO, then the address, netmask, gateway and DNS lists with
/// upstream's key numbering (IPv6 addresses in the full eight-group form).
/// </summary>
internal static class IfcfgWriter
{
    public static string Format(IpConfig c)
    {
        var sb = new StringBuilder();
        Line(sb, "HWADDR", c.Mac);
        Line(sb, "DEVICE", c.Interface);
        Line(sb, "BOOTPROTO", c.Dhcp ? "dhcp" : "none");
        List(sb, c.Addresses, "IPADDR", "IPV6ADDR", Numbering.FromZero);
        List(sb, c.Subnets, "NETMASK", "IPV6NETMASK", Numbering.FromZero);
        List(sb, c.Gateways, "GATEWAY", "IPV6_DEFAULTGW", Numbering.FirstBare);
        List(sb, c.Dns, "DNS", "DNS", Numbering.Shared);
        return sb.ToString();
    }

    enum Numbering { FromZero, FirstBare, Shared }

    static void List(StringBuilder sb, IReadOnlyList<string> items, string v4Key, string v6Key, Numbering numbering)
    {
        int v4 = 0, v6 = 0;
        foreach (string item in items)
        {
            if (IpText.IsIPv4(item))
            {
                string suffix = numbering switch
                {
                    Numbering.Shared => (++v4).ToString(),
                    Numbering.FirstBare when v4 == 0 => Bare(ref v4),
                    _ => (v4++).ToString(),
                };
                Line(sb, v4Key + suffix, item);
            }
            else
            {
                // IPv6 (or, in the netmask list, a prefix length kept verbatim).
                string value = IpText.IsIPv6(item) ? IpText.ExpandIPv6(item) : item;
                if (numbering == Numbering.Shared) { Line(sb, v6Key + (++v4), value); continue; }
                string suffix = v6 == 0 ? Bare(ref v6) : "_" + (v6++);
                Line(sb, v6Key + suffix, value);
            }
        }
    }

    static string Bare(ref int counter)
    {
        counter++;
        return "";
    }

    static void Line(StringBuilder sb, string key, string value) => sb.Append(key).Append('=').Append(value).Append('\n');
}
