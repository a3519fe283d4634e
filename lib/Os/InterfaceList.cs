using System;
using System.Collections.Generic;
using System.Text;

namespace HvDaemons.Os;

/// <summary>One IPv4 or IPv6 address of an interface as getifaddrs(3) lists it.</summary>
internal readonly record struct InterfaceEntry(string Name, bool IsIPv6, bool Loopback, byte[] Address, byte[]? Netmask);

/// <summary>getifaddrs(3), in the kernel's order, keeping only IPv4 and IPv6 entries.</summary>
internal static unsafe class InterfaceList
{
    /// <returns>The entries, or null with <paramref name="errno"/> when getifaddrs failed.</returns>
    public static List<InterfaceEntry>? Read(out Errno errno)
    {
        errno = 0;
        Interop.ifaddrs* head;
        if (Interop.getifaddrs(&head) != 0)
        {
            errno = Errno.LastPInvoke;
            return null;
        }
        var list = new List<InterfaceEntry>();
        try
        {
            for (Interop.ifaddrs* p = head; p != null; p = p->ifa_next)
            {
                if (p->ifa_addr == null || p->ifa_name == null) continue;
                ushort family = *(ushort*)p->ifa_addr;
                if (family != Interop.AF_INET && family != Interop.AF_INET6) continue;
                bool v6 = family == Interop.AF_INET6;
                // sockaddr_in: address at 4 (4 bytes); sockaddr_in6: address at 8 (16 bytes).
                int at = v6 ? 8 : 4, length = v6 ? 16 : 4;
                byte[] address = new ReadOnlySpan<byte>(p->ifa_addr + at, length).ToArray();
                byte[]? mask = p->ifa_netmask == null ? null : new ReadOnlySpan<byte>(p->ifa_netmask + at, length).ToArray();
                string name = Encoding.UTF8.GetString(NativeString.UntilNul(new ReadOnlySpan<byte>(p->ifa_name, 256)));
                list.Add(new InterfaceEntry(name, v6, (p->ifa_flags & Interop.IFF_LOOPBACK) != 0, address, mask));
            }
        }
        finally
        {
            Interop.freeifaddrs(head);
        }
        return list;
    }
}
