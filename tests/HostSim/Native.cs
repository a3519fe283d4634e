using System.Runtime.InteropServices;

namespace HvDaemons.HostSim;

/// <summary>The few libc calls the simulator makes, with errno captured per call.</summary>
internal static unsafe partial class Native
{
    public const int O_RDWR = 2;
    public const int O_CLOEXEC = 0x80000;
    public const int F_SETFD = 2;
    public const int FD_CLOEXEC = 1;
    public const int EFD_CLOEXEC = 0x80000;
    public const short POLLIN = 0x001;
    public const short POLLRDNORM = 0x040;
    public const short POLLERR = 0x008;
    public const short POLLHUP = 0x010;

    public const int EPERM = 1, ENOENT = 2, EINTR = 4, EIO = 5, EBADF = 9, EAGAIN = 11, EFAULT = 14,
        EBUSY = 16, EINVAL = 22, ENODEV = 19, ENOSYS = 38, ESRCH = 3, ENOTDIR = 20, EISDIR = 21,
        EPROTO = 71;

    public const int SIGKILL = 9, SIGTERM = 15, SIGCONT = 18, SIGSTOP = 19;

    [StructLayout(LayoutKind.Sequential)]
    public struct PollFd
    {
        public int Fd;
        public short Events;
        public short Revents;
    }

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint read(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial nint write(int fd, byte* buffer, nint count);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int poll(PollFd* fds, nuint count, int timeoutMs);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int eventfd(uint initial, int flags);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int fcntl(int fd, int cmd, int arg);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    public const int IN_NONBLOCK = 0x800, IN_CLOEXEC = 0x80000;
    public const uint IN_OPEN = 0x20;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int inotify_init1(int flags);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int inotify_add_watch(int fd, string path, uint mask);

    public static int Errno => Marshal.GetLastPInvokeError();

    public static string ErrnoName(int errno) => errno switch
    {
        0 => "OK",
        EPERM => "EPERM",
        ENOENT => "ENOENT",
        EINTR => "EINTR",
        EBADF => "EBADF",
        EIO => "EIO",
        EAGAIN => "EAGAIN",
        EFAULT => "EFAULT",
        EBUSY => "EBUSY",
        ENODEV => "ENODEV",
        EINVAL => "EINVAL",
        ENOSYS => "ENOSYS",
        _ => "errno " + errno,
    };
}
