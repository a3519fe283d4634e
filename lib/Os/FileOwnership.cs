using System.Buffers.Binary;
using System.Runtime.InteropServices;

namespace HvDaemons.Os;

/// <summary>Who owns a file and its permission bits: what decides whether root may trust it.</summary>
public readonly record struct FileOwner(FileKind Kind, uint Uid, int Permissions)
{
    const int GroupOrWorldWritable = 0x12;   // 020 | 002
    const int OwnerExecute = 0x40;           // 0100

    public bool WritableByOthers => (Permissions & GroupOrWorldWritable) != 0;

    public bool ExecutableByOwner => (Permissions & OwnerExecute) != 0;
}

/// <summary>statx lookups of owner and mode (see <see cref="Interop.statx"/> for why not stat).</summary>
public static unsafe class FileOwnership
{
    const int S_IFMT = 0xF000;
    const int S_IFREG = 0x8000;
    const int S_IFDIR = 0x4000;
    const int S_IFLNK = 0xA000;

    /// <summary>Owner and mode of <paramref name="path"/>, symlinks followed.
    /// ENOENT/ENOTDIR become <see cref="FileKind.Missing"/> with success.</summary>
    public static SysResult Of(string path, out FileOwner owner)
    {
        byte[] p = NativeString.Utf8z(path);
        byte* buffer = stackalloc byte[Interop.StatxSize];
        int r;
        fixed (byte* pp = p)
            r = Interop.statx(Interop.AT_FDCWD, pp, 0, Interop.STATX_TYPE | Interop.STATX_MODE | Interop.STATX_UID, buffer);
        if (r != 0)
        {
            int e = Marshal.GetLastPInvokeError();
            owner = new FileOwner(FileKind.Missing, 0, 0);
            return e is Errno.ENOENT or Errno.ENOTDIR ? SysResult.Success() : SysResult.Fail(e);
        }
        var raw = new System.ReadOnlySpan<byte>(buffer, Interop.StatxSize);
        int mode = BinaryPrimitives.ReadUInt16LittleEndian(raw[Interop.StatxMode..]);
        uint uid = BinaryPrimitives.ReadUInt32LittleEndian(raw[Interop.StatxUid..]);
        FileKind kind = (mode & S_IFMT) switch
        {
            S_IFREG => FileKind.Regular,
            S_IFDIR => FileKind.Directory,
            S_IFLNK => FileKind.Symlink,
            _ => FileKind.Other,
        };
        owner = new FileOwner(kind, uid, mode & 0xFFF);
        return SysResult.Success();
    }
}
