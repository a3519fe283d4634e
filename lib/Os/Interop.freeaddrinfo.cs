using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    /// <summary>freeaddrinfo(3).</summary>
    [LibraryImport("libc")]
    internal static partial void freeaddrinfo(addrinfo* res);
}
