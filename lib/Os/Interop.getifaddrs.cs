using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    /// <summary>struct ifaddrs from &lt;ifaddrs.h&gt; (glibc and musl agree).</summary>
    [StructLayout(LayoutKind.Sequential)]
#pragma warning disable CS8981 // C names, as in the header
    internal struct ifaddrs
#pragma warning restore CS8981
    {
        public ifaddrs* ifa_next;
        public byte* ifa_name;
        public uint ifa_flags;
        public byte* ifa_addr;
        public byte* ifa_netmask;
        public byte* ifa_ifu;
        public void* ifa_data;
    }

    internal const uint IFF_LOOPBACK = 0x8;

    /// <summary>getifaddrs(3); not bound by Tmds.LibC. Returns 0, or -1 with errno.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int getifaddrs(ifaddrs** ifap);
}
