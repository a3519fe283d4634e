using System.Runtime.InteropServices;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>
/// An errno value (asm-generic numbering, same on x86_64 and arm64). Named members are the ones
/// the daemons branch on; any other value the kernel returns is carried as its number.
/// </summary>
public enum Errno
{
    None = 0,
    EPERM = 1,
    ENOENT = 2,
    EINTR = 4,
    EIO = 5,
    ENXIO = 6,
    EBADF = 9,
    EAGAIN = 11,
    ENOMEM = 12,
    EACCES = 13,
    EFAULT = 14,
    EBUSY = 16,
    EEXIST = 17,
    ENODEV = 19,
    ENOTDIR = 20,
    EISDIR = 21,
    EINVAL = 22,
    EFBIG = 27,
    ENOSPC = 28,
    EROFS = 30,
    ENAMETOOLONG = 36,
    EOPNOTSUPP = 95,
    ENOBUFS = 105,
    EDQUOT = 122,
}

/// <summary>Reading errno after a call, and the text a log line shows for it.</summary>
public static class ErrnoText
{
    extension(Errno)
    {
        /// <summary>errno as libc left it after the last Tmds.LibC call on this thread.</summary>
        public static Errno Last => (Errno)LibC.errno;

        /// <summary>errno saved by the runtime after our own LibraryImport (SetLastError = true).</summary>
        public static Errno LastPInvoke => (Errno)Marshal.GetLastPInvokeError();

        /// <summary>"16 Device or resource busy": number and text, the form upstream's logs use
        /// (the lines that copy upstream's keep it to the letter).</summary>
        public static string Describe(Errno errno) => (int)errno + " " + Marshal.GetPInvokeErrorMessage((int)errno);

        /// <summary>"16 Device or resource busy (EBUSY)": <see cref="Describe"/> and the name, for
        /// the lines that are ours.</summary>
        public static string DescribeNamed(Errno errno)
            => errno.Name() is { } name ? Describe(errno) + " (" + name + ")" : Describe(errno);
    }

    extension(Errno errno)
    {
        /// <summary>The symbolic name of a named member, else null (no reflection: AOT).</summary>
        public string? Name() => errno switch
        {
            Errno.EPERM => "EPERM", Errno.ENOENT => "ENOENT", Errno.EINTR => "EINTR", Errno.EIO => "EIO",
            Errno.ENXIO => "ENXIO", Errno.EBADF => "EBADF", Errno.EAGAIN => "EAGAIN", Errno.ENOMEM => "ENOMEM",
            Errno.EACCES => "EACCES", Errno.EFAULT => "EFAULT", Errno.EBUSY => "EBUSY", Errno.EEXIST => "EEXIST",
            Errno.ENODEV => "ENODEV", Errno.ENOTDIR => "ENOTDIR", Errno.EISDIR => "EISDIR", Errno.EINVAL => "EINVAL",
            Errno.EFBIG => "EFBIG", Errno.ENOSPC => "ENOSPC", Errno.EROFS => "EROFS",
            Errno.ENAMETOOLONG => "ENAMETOOLONG", Errno.EOPNOTSUPP => "EOPNOTSUPP", Errno.ENOBUFS => "ENOBUFS",
            Errno.EDQUOT => "EDQUOT",
            _ => null,
        };
    }
}
