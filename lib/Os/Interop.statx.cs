using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    // struct statx from <linux/stat.h>. The one stat call the daemons use: its layout is the
    // same on every architecture (struct stat is not), it carries major and minor numbers
    // directly, and it binds glibc's own statx symbol instead of the __xstat/__fxstat
    // compatibility symbols Tmds.LibC's stat and fstat resolve to.
    internal const int StatxSize = 256;
    internal const int StatxUid = 20;        // __u32 stx_uid
    internal const int StatxGid = 24;        // __u32 stx_gid
    internal const int StatxMode = 28;       // __u16 stx_mode
    internal const int StatxIno = 32;        // __u64 stx_ino
    internal const int StatxFileSize = 40;   // __u64 stx_size
    internal const int StatxCtime = 96;      // struct statx_timestamp { __s64 tv_sec; __u32 tv_nsec; }
    internal const int StatxMtime = 112;
    internal const int StatxRdevMajor = 128; // __u32 stx_rdev_major, then stx_rdev_minor
    internal const int StatxDevMajor = 136;  // __u32 stx_dev_major, then stx_dev_minor
    internal const uint STATX_BASIC_STATS = 0x7ff;
    internal const int AT_FDCWD = -100;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const int AT_EMPTY_PATH = 0x1000;

    /// <summary>statx(2). Returns 0, or -1 with errno.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);
}
