using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    /// <summary>struct utsname on Linux: six 65-byte fields.</summary>
    internal const int UtsFieldLength = 65;
    internal const int UtsNameSize = UtsFieldLength * 6;

    /// <summary>uname(2); not bound by Tmds.LibC. Returns 0, or -1 with errno.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int uname(byte* buf);
}
