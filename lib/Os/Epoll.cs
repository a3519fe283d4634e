using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>An epoll set as one pollable descriptor that is readable when any member is.</summary>
public static unsafe class Epoll
{
    public static SysResult Create(out FileDescriptor epoll)
        => FileDescriptor.Adopt(LibC.epoll_create1(LibC.EPOLL_CLOEXEC), out epoll);

    /// <summary>Adds <paramref name="fd"/> (borrowed: the caller keeps it open while it is a member) for EPOLLIN.</summary>
    public static SysResult WatchReadable(FileDescriptor epoll, int fd)
    {
        epoll_event ev = default;
        ev.events = LibC.EPOLLIN;
        ev.data.fd = fd;
        return LibC.epoll_ctl(epoll.Fd, LibC.EPOLL_CTL_ADD, fd, &ev) == 0 ? SysResult.Success() : SysResult.Fail(Errno.Last);
    }
}
