using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    internal const int AF_INET = 2;
    internal const int AF_INET6 = 10;
    internal const int INET6_ADDRSTRLEN = 46;

    /// <summary>inet_ntop(3): the text form upstream reports, byte for byte. Returns dst or NULL.</summary>
    [LibraryImport("libc")]
    internal static partial byte* inet_ntop(int af, void* src, byte* dst, uint size);
}
