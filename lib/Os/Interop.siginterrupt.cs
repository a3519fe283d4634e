using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static partial class Interop
{
    /// <summary>siginterrupt(3): flag 1 clears SA_RESTART on the signal's current handler, so a
    /// blocking call it interrupts fails with EINTR instead of restarting.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int siginterrupt(int sig, int flag);

    [LibraryImport("libc")]
    internal static partial nuint pthread_self();

    /// <summary>pthread_kill(3): returns 0 or an error number (errno is not set).</summary>
    [LibraryImport("libc")]
    internal static partial int pthread_kill(nuint thread, int sig);
}
