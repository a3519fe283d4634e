using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static partial class Interop
{
    internal const int SIGKILL = 9;
    internal const int SIGPIPE = 13;

    /// <summary>kill(2); Tmds.LibC binds only killpg. A negative pid names a process group.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int kill(int pid, int sig);
}
