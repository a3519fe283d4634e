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

/// <summary>The two facts most callers need from stat: the file type and the size.</summary>
public readonly record struct FileStatus(FileKind Kind, long Size);

/// <summary>Every statx field the daemons use, decoded once.</summary>
public readonly record struct StatxFields(uint Mode, long Size, ulong Inode,
                                          uint DevMajor, uint DevMinor, uint RdevMajor, uint RdevMinor,
                                          long MtimeSec, long MtimeNsec, long CtimeSec, long CtimeNsec, uint Uid, uint Gid = 0,
                                          uint Links = 1)
{
    const uint S_IFMT = 0xF000;

    public FileKind Kind => (Mode & S_IFMT) switch
    {
        0x8000 => FileKind.Regular,
        0x4000 => FileKind.Directory,
        0xA000 => FileKind.Symlink,
        _ => FileKind.Other,
    };

    public bool IsBlockDevice => (Mode & S_IFMT) == 0x6000;
}

/// <summary>The one stat path of lib: statx(2) (see <see cref="Interop.statx"/> for why).</summary>
public static unsafe class FileStat
{
    /// <summary>Status of <paramref name="path"/> (a symlink itself unless <paramref name="followSymlinks"/>).
    /// ENOENT/ENOTDIR become <see cref="FileKind.Missing"/> with success.</summary>
    public static SysResult OfPath(string path, bool followSymlinks, out FileStatus status)
    {
        SysResult r = Fields(path, followSymlinks, out StatxFields f);
        return Summarize(r, f, out status);
    }

    /// <summary>Status of an open descriptor (fstat).</summary>
    public static SysResult OfDescriptor(FileDescriptor fd, out FileStatus status)
    {
        SysResult r = Fields(fd, out StatxFields f);
        return Summarize(r, f, out status);
    }

    /// <summary>All fields of <paramref name="path"/>; any failure is returned as is.</summary>
    public static SysResult Fields(string path, bool followSymlinks, out StatxFields fields)
    {
        byte[] p = NativeString.Utf8z(path);
        fixed (byte* pp = p)
            return Query(Interop.AT_FDCWD, pp, followSymlinks ? 0 : Interop.AT_SYMLINK_NOFOLLOW, out fields);
    }

    /// <summary>All fields of an open descriptor.</summary>
    public static SysResult Fields(FileDescriptor fd, out StatxFields fields)
    {
        byte empty = 0;
        return Query(fd.Fd, &empty, Interop.AT_EMPTY_PATH, out fields);
    }

    static SysResult Summarize(SysResult r, in StatxFields f, out FileStatus status)
    {
        if (r.Ok) { status = new FileStatus(f.Kind, f.Size); return r; }
        status = new FileStatus(FileKind.Missing, 0);
        return r.Error is Errno.ENOENT or Errno.ENOTDIR ? SysResult.Success() : r;
    }

    static SysResult Query(int dirfd, byte* path, int flags, out StatxFields fields)
    {
        byte* buffer = stackalloc byte[Interop.StatxSize];
        while (true)
        {
            if (Interop.statx(dirfd, path, flags, Interop.STATX_BASIC_STATS, buffer) == 0) break;
            Errno e = Errno.LastPInvoke;
            if (e == Errno.EINTR) continue;
            fields = default;
            return SysResult.Fail(e);
        }
        var raw = new ReadOnlySpan<byte>(buffer, Interop.StatxSize);
        fields = new StatxFields(
            BinaryPrimitives.ReadUInt16LittleEndian(raw[Interop.StatxMode..]),
            (long)BinaryPrimitives.ReadUInt64LittleEndian(raw[Interop.StatxFileSize..]),
            BinaryPrimitives.ReadUInt64LittleEndian(raw[Interop.StatxIno..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[Interop.StatxDevMajor..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[(Interop.StatxDevMajor + 4)..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[Interop.StatxRdevMajor..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[(Interop.StatxRdevMajor + 4)..]),
            BinaryPrimitives.ReadInt64LittleEndian(raw[Interop.StatxMtime..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[(Interop.StatxMtime + 8)..]),
            BinaryPrimitives.ReadInt64LittleEndian(raw[Interop.StatxCtime..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[(Interop.StatxCtime + 8)..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[Interop.StatxUid..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[Interop.StatxGid..]),
            BinaryPrimitives.ReadUInt32LittleEndian(raw[Interop.StatxNlink..]));
        return SysResult.Success();
    }
}
