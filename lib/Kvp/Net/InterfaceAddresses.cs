using System;
using System.Collections.Generic;
using System.Numerics;
using System.Text;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// The machine's interface addresses via getifaddrs(3), in its order. Address text is
/// inet_ntop's, so it matches upstream byte for byte; the subnet is a dotted mask for IPv4 and
/// "/prefix" for IPv6 (upstream's GET_IP_INFO forms).
/// </summary>
internal static unsafe class InterfaceAddresses
{
    /// <returns>The addresses, or null with <paramref name="errno"/> when getifaddrs failed.</returns>
    public static List<IfAddress>? Read(out int errno)
    {
        errno = 0;
        Interop.ifaddrs* head;
        if (Interop.getifaddrs(&head) != 0)
        {
            errno = System.Runtime.InteropServices.Marshal.GetLastPInvokeError();
            return null;
        }
        var list = new List<IfAddress>();
        try
        {
            for (Interop.ifaddrs* p = head; p != null; p = p->ifa_next)
            {
                if (p->ifa_addr == null || p->ifa_name == null) continue;
                ushort family = *(ushort*)p->ifa_addr;
                if (family != Interop.AF_INET && family != Interop.AF_INET6) continue;
                bool v6 = family == Interop.AF_INET6;
                // sockaddr_in: address at 4 (4 bytes); sockaddr_in6: address at 8 (16 bytes).
                byte* addr = p->ifa_addr + (v6 ? 8 : 4);
                string text = IpText.Format(v6, new ReadOnlySpan<byte>(addr, v6 ? 16 : 4));
                string subnet = "";
                if (p->ifa_netmask != null)
                {
                    var mask = new ReadOnlySpan<byte>(p->ifa_netmask + (v6 ? 8 : 4), v6 ? 16 : 4);
                    subnet = v6 ? "/" + PrefixLength(mask) : IpText.Format(false, mask);
                }
                string name = Marshal(p->ifa_name);
                list.Add(new IfAddress(name, v6, (p->ifa_flags & Interop.IFF_LOOPBACK) != 0, text, subnet));
            }
        }
        finally
        {
            Interop.freeifaddrs(head);
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

    static string Marshal(byte* s)
    {
        int n = 0;
        while (s[n] != 0 && n < 256) n++;
        return Encoding.UTF8.GetString(s, n);
    }
}
