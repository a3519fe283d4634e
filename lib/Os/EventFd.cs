using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>An eventfd(2) used as a wake-up flag for poll: raised by a write, lowered by a read.</summary>
public static unsafe class EventFd
{
    /// <summary>A non-blocking, close-on-exec eventfd, not raised.</summary>
    public static SysResult Create(out FileDescriptor fd)
        => FileDescriptor.Adopt(LibC.eventfd(0, LibC.EFD_CLOEXEC | LibC.EFD_NONBLOCK), out fd);

    /// <summary>Makes it readable. The only failure, EAGAIN at a saturated counter, means it already is.</summary>
    public static void Raise(FileDescriptor fd)
    {
        ulong one = 1;
        LibC.write(fd.Fd, &one, sizeof(ulong));
    }

    /// <summary>Makes it not readable. EAGAIN: it was not raised, which is the same outcome.</summary>
    public static void Lower(FileDescriptor fd)
    {
        ulong count;
        LibC.read(fd.Fd, &count, sizeof(ulong));
    }
}
