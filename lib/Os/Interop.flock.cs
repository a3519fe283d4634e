using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static partial class Interop
{
    internal const int LOCK_SH = 1;
    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int LOCK_UN = 8;

    /// <summary>flock(2); not bound by Tmds.LibC. Returns 0, or -1 with errno.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int flock(int fd, int operation);
}
