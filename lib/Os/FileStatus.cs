using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace HvDaemons.Os;

/// <summary>What kind of thing a path or descriptor names.</summary>
public enum FileKind
{
    Missing,
    Regular,
    Directory,
    Symlink,
    Other,
}

/// <summary>The two facts the daemons need from stat: the file type and the size.</summary>
public readonly record struct FileStatus(FileKind Kind, long Size);

/// <summary>statx-based lookups (see <see cref="Interop.statx"/> for why not stat).</summary>
public static unsafe class FileStat
{
    const int S_IFMT = 0xF000;
    const int S_IFREG = 0x8000;
    const int S_IFDIR = 0x4000;
    const int S_IFLNK = 0xA000;

    /// <summary>Status of <paramref name="path"/> itself (a symlink is reported, not followed).
    /// ENOENT/ENOTDIR become <see cref="FileKind.Missing"/> with success.</summary>
    public static SysResult OfPath(string path, bool followSymlinks, out FileStatus status)
    {
        byte[] p = NativeString.Utf8z(path);
        fixed (byte* pp = p)
            return Query(Interop.AT_FDCWD, pp, followSymlinks ? 0 : Interop.AT_SYMLINK_NOFOLLOW, out status);
    }

    /// <summary>Status of an open descriptor (fstat).</summary>
    public static SysResult OfDescriptor(FileDescriptor fd, out FileStatus status)
    {
        byte empty = 0;
        return Query(fd.Fd, &empty, Interop.AT_EMPTY_PATH, out status);
    }

    static SysResult Query(int dirfd, byte* path, int flags, out FileStatus status)
    {
        byte* buffer = stackalloc byte[Interop.StatxSize];
        int r = Interop.statx(dirfd, path, flags, Interop.STATX_TYPE | Interop.STATX_SIZE, buffer);
        if (r != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            status = new FileStatus(FileKind.Missing, 0);
            return e is Errno.ENOENT or Errno.ENOTDIR ? SysResult.Success() : SysResult.Fail(e);
        }
        var raw = new ReadOnlySpan<byte>(buffer, Interop.StatxSize);
        int mode = BinaryPrimitives.ReadUInt16LittleEndian(raw[Interop.StatxMode..]);
        long size = (long)BinaryPrimitives.ReadUInt64LittleEndian(raw[Interop.StatxFileSize..]);
        FileKind kind = (mode & S_IFMT) switch
        {
            S_IFREG => FileKind.Regular,
            S_IFDIR => FileKind.Directory,
            S_IFLNK => FileKind.Symlink,
            _ => FileKind.Other,
        };
        status = new FileStatus(kind, size);
        return SysResult.Success();
    }
}
