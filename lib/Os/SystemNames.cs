using System;
using System.Text;

namespace HvDaemons.Os;

/// <summary>The kernel's and the resolver's names for this machine: uname(2) and getaddrinfo(3).</summary>
internal static unsafe class SystemNames
{
    /// <summary>uname's sysname, release and machine fields.</summary>
    public static (string Sysname, string Release, string Machine) Uname()
    {
        byte* buf = stackalloc byte[Interop.UtsNameSize];
        new Span<byte>(buf, Interop.UtsNameSize).Clear();
        Interop.uname(buf);
        return (Field(buf, 0), Field(buf, 2), Field(buf, 4));
    }

    static string Field(byte* buf, int i) =>
        Encoding.UTF8.GetString(NativeString.UntilNul(new ReadOnlySpan<byte>(buf + i * Interop.UtsFieldLength, Interop.UtsFieldLength)));

    /// <summary>gethostname, then its canonical name from getaddrinfo(AF_INET, AI_CANONNAME).</summary>
    /// <returns>The name ("" if gethostname fails), or null with the resolver's code and text.</returns>
    public static string? CanonicalHostName(out int code, out string why)
    {
        code = 0;
        why = "";
        byte* name = stackalloc byte[256];
        new Span<byte>(name, 256).Clear();
        if (Tmds.Linux.LibC.gethostname(name, 255) != 0) return "";
        Interop.addrinfo hints = default;
        hints.ai_family = Interop.AF_INET;
        hints.ai_socktype = Interop.SOCK_STREAM;
        hints.ai_flags = Interop.AI_CANONNAME;
        Interop.addrinfo* info;
        int rc = Interop.getaddrinfo(name, null, &hints, &info);
        if (rc != 0)
        {
            code = rc;
            why = NativeString.FromNul(Interop.gai_strerror(rc));
            return null;
        }
        try
        {
            return NativeString.FromNul(info->ai_canonname != null ? info->ai_canonname : name);
        }
        finally
        {
            Interop.freeaddrinfo(info);
        }
    }
}
