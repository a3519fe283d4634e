using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    /// <summary>freeifaddrs(3): releases the list getifaddrs returned.</summary>
    [LibraryImport("libc")]
    internal static partial void freeifaddrs(ifaddrs* ifa);
}
