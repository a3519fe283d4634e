using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>
/// FIFREEZE and FITHAW (linux/fs.h): freeze or thaw the filesystem an open descriptor lives on.
/// The numbers are _IOWR('X', 119/120, int), identical on x86_64 and arm64; the layout oracle
/// test checks them against the header. The argument is unused by the kernel; we pass 0 as
/// upstream does.
/// </summary>
public static class FsFreeze
{
    public const uint FIFREEZE = 0xC0045877;
    public const uint FITHAW = 0xC0045878;

    /// <summary>EBUSY means the filesystem was already frozen.</summary>
    public static SysResult Freeze(FileDescriptor fd) => Ioctl(fd, FIFREEZE);

    /// <summary>EINVAL means the filesystem was not frozen.</summary>
    public static SysResult Thaw(FileDescriptor fd) => Ioctl(fd, FITHAW);

    static SysResult Ioctl(FileDescriptor fd, uint request)
    {
        while (true)
        {
            // Tmds.LibC declares the request as int; the bit pattern is what matters.
            int r = LibC.ioctl(fd.Fd, unchecked((int)request), 0);
            if (r >= 0) return SysResult.Success(r);
            Errno e = Errno.Last;
            if (e != Errno.EINTR) return SysResult.Fail(e);
        }
    }
}
