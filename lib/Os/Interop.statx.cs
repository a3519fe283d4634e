using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    // struct statx from <linux/stat.h>: the layout is the same on every architecture, unlike
    // struct stat, and glibc has exported statx since 2.28 (stat/fstat only since 2.33).
    internal const int StatxSize = 256;
    internal const int StatxUid = 20;      // __u32 stx_uid
    internal const int StatxMode = 28;     // __u16 stx_mode
    internal const int StatxFileSize = 40; // __u64 stx_size
    internal const uint STATX_TYPE = 0x1;
    internal const uint STATX_MODE = 0x2;
    internal const uint STATX_UID = 0x8;
    internal const uint STATX_SIZE = 0x200;
    internal const int AT_FDCWD = -100;
    internal const int AT_SYMLINK_NOFOLLOW = 0x100;
    internal const int AT_EMPTY_PATH = 0x1000;

    /// <summary>statx(2). Returns 0, or -1 with errno.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int statx(int dirfd, byte* path, int flags, uint mask, byte* buffer);
}
