using System.Runtime.InteropServices;
using HvDaemons.Os;

namespace HvDaemons.HostSim.Uio;

/// <summary>
/// inotify, which neither lib/Os nor Tmds.LibC binds (no daemon needs it): the simulated uio
/// device learns from it when the daemon opens the ring file, as the driver sees open().
/// </summary>
internal static partial class Inotify
{
    const int InNonblock = 0x800, InCloexec = 0x80000;
    const uint InOpen = 0x20;

    /// <returns>A non-blocking inotify descriptor reporting opens of <paramref name="path"/>, or -1.</returns>
    public static int WatchOpens(string path, out Errno error)
    {
        error = Errno.None;
        int fd = inotify_init1(InNonblock | InCloexec);
        if (fd >= 0 && inotify_add_watch(fd, path, InOpen) >= 0) return fd;
        error = Errno.LastPInvoke;
        if (fd >= 0) Tmds.Linux.LibC.close(fd);
        return -1;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int inotify_init1(int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int inotify_add_watch(int fd, string path, uint mask);
}
