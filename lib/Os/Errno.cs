using System.Runtime.InteropServices;

namespace HvDaemons.Os;

/// <summary>The errno values the daemons branch on (asm-generic, same on x86_64 and arm64).</summary>
public static class Errno
{
    public const int EPERM = 1;
    public const int ENOENT = 2;
    public const int EINTR = 4;
    public const int EIO = 5;
    public const int ENXIO = 6;
    public const int EBADF = 9;
    public const int EAGAIN = 11;
    public const int ENOMEM = 12;
    public const int EACCES = 13;
    public const int EFAULT = 14;
    public const int EBUSY = 16;
    public const int EEXIST = 17;
    public const int ENODEV = 19;
    public const int ENOTDIR = 20;
    public const int EISDIR = 21;
    public const int EINVAL = 22;
    public const int EFBIG = 27;
    public const int ENOSPC = 28;
    public const int EROFS = 30;
    public const int ENAMETOOLONG = 36;
    public const int EOPNOTSUPP = 95;
    public const int ENOBUFS = 105;
    public const int EDQUOT = 122;

    /// <summary>"16 Device or resource busy": errno and text, the form upstream's logs use.</summary>
    public static string Describe(int errno) => errno + " " + Marshal.GetPInvokeErrorMessage(errno);
}
