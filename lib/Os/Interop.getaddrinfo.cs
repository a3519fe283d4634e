using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    /// <summary>struct addrinfo from &lt;netdb.h&gt; (Linux layout).</summary>
    [StructLayout(LayoutKind.Sequential)]
#pragma warning disable CS8981 // C names, as in the header
    internal struct addrinfo
#pragma warning restore CS8981
    {
        public int ai_flags;
        public int ai_family;
        public int ai_socktype;
        public int ai_protocol;
        public uint ai_addrlen;
        public void* ai_addr;
        public byte* ai_canonname;
        public addrinfo* ai_next;
    }

    internal const int AI_CANONNAME = 0x0002;
    internal const int SOCK_STREAM = 1;

    /// <summary>getaddrinfo(3): returns 0 or an EAI_* code (not errno).</summary>
    [LibraryImport("libc")]
    internal static partial int getaddrinfo(byte* node, byte* service, addrinfo* hints, addrinfo** res);
}
