using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    [StructLayout(LayoutKind.Sequential)]
#pragma warning disable CS8981 // C names, as in <poll.h>
    internal struct pollfd
#pragma warning restore CS8981
    {
        public int fd;
        public short events;
        public short revents;
    }

    internal const short POLLIN = 0x001;
    internal const short POLLERR = 0x008;
    internal const short POLLHUP = 0x010;
    internal const short POLLNVAL = 0x020;

    /// <summary>poll(2). Tmds.LibC's binding does not capture errno, so EINTR could not be told
    /// apart from a real failure; this one does (SetLastError).</summary>
    /// <returns>Number of ready descriptors, 0 on timeout, -1 with errno set on failure.</returns>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int poll(pollfd* fds, nuint nfds, int timeout);
}
