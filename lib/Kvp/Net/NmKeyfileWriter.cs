using System.Collections.Generic;
using System.Text;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// The NetworkManager keyfile upstream writes for SET_IP_INFO: [connection], [ethernet], then an
/// [ipv4] and an [ipv6] section with numbered addresses (address/prefix as sent), the method
/// rule, the gateway and comma-separated DNS servers of that family. One difference, deliberate
/// (README, docs/kvp.md): upstream joins all gateways of a family into gateway=A,B, which
/// NetworkManager refuses ("invalid connection: ipv4.gateway: gateway is invalid", the whole
/// file unloaded); here gateway= is the first and each further one a default route
/// routeN=0.0.0.0/0,B,M (::/0 for IPv6) with metric 200, 300, ... behind it, in the host's order.
/// </summary>
internal static class NmKeyfileWriter
{
    public static string Format(IpConfig c)
    {
        var sb = new StringBuilder();
        sb.Append("\n[connection]\n").Append("interface-name=").Append(c.Interface).Append('\n');
        sb.Append("\n[ethernet]\n").Append("mac-address=").Append(c.Mac).Append('\n');
        foreach (bool v6 in new[] { false, true })
        {
            sb.Append(v6 ? "\n[ipv6]\n" : "\n[ipv4]\n");
            int written = 0;
            for (int k = 0; k < c.Addresses.Count && k < c.Subnets.Count; k++)
            {
                string addr = c.Addresses[k];
                if (IpText.IsIPv6(addr) != v6) continue;
                int plen = v6 ? int.Parse(c.Subnets[k]) : IpText.Ipv4MaskLength(c.Subnets[k]);
                sb.Append("address").Append(++written).Append('=').Append(addr).Append('/').Append(plen).Append('\n');
            }
            string method = v6 ? (written > 0 ? "manual" : "auto")
                               : c.Dhcp ? "auto" : written > 0 ? "manual" : "disabled";
            sb.Append("method=").Append(method).Append('\n');
            Gateways(sb, c.Gateways, v6);
            Joined(sb, "dns", c.Dns, v6);
        }
        return sb.ToString();
    }

    static void Gateways(StringBuilder sb, IReadOnlyList<string> items, bool v6)
    {
        int n = 0;
        foreach (string item in items)
        {
            if (IpText.IsIPv6(item) != v6) continue;
            if (++n == 1) sb.Append("gateway=").Append(item).Append('\n');
            else sb.Append("route").Append(n - 1).Append('=').Append(v6 ? "::/0," : "0.0.0.0/0,").Append(item)
                   .Append(',').Append(n * 100).Append('\n');
        }
    }

    static void Joined(StringBuilder sb, string key, IReadOnlyList<string> items, bool v6)
    {
        var same = new List<string>();
        foreach (string item in items)
            if (IpText.IsIPv6(item) == v6) same.Add(item);
        if (same.Count > 0) sb.Append(key).Append('=').Append(string.Join(',', same)).Append('\n');
    }
}
