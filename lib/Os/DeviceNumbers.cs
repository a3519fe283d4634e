using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>A device's major:minor, as /sys/dev/block names it.</summary>
public readonly record struct DeviceNumber(uint Major, uint Minor, bool IsBlockDevice)
{
    public override string ToString() => Major + ":" + Minor;
}

/// <summary>stat() and access() for the few places that ask what a device node is.</summary>
public static unsafe class DeviceNumbers
{
    public const int R_OK = 4;
    public const int X_OK = 1;

    /// <summary>The device <paramref name="path"/> names (st_rdev), or the errno of stat().</summary>
    public static SysResult Stat(string path, out DeviceNumber device)
    {
        device = default;
        SysResult r = StatPath(path, out stat st);
        if (!r.Ok) return r;
        ulong rdev = st.st_rdev;
        bool isBlock = (st.st_mode & LibC.S_IFMT) == LibC.S_IFBLK;
        device = new DeviceNumber(Major(rdev), Minor(rdev), isBlock);
        return SysResult.Success();
    }

    /// <summary>The device a mounted filesystem reports for its files (st_dev).</summary>
    public static SysResult StatFilesystem(string path, out DeviceNumber device)
    {
        device = default;
        SysResult r = StatPath(path, out stat st);
        if (!r.Ok) return r;
        ulong dev = st.st_dev;
        device = new DeviceNumber(Major(dev), Minor(dev), false);
        return SysResult.Success();
    }

    public static bool Accessible(string path, int mode)
    {
        byte[] p = NativeString.Utf8z(path);
        fixed (byte* pp = p) return LibC.access(pp, mode) == 0;
    }

    // glibc's dev_t encoding (sys/sysmacros.h): 12+20 bits of major, 8+24 bits of minor.
    public static uint Major(ulong dev) => (uint)(((dev >> 8) & 0xfff) | ((dev >> 32) & 0xfffff000));
    public static uint Minor(ulong dev) => (uint)((dev & 0xff) | ((dev >> 12) & 0xffffff00));

    static SysResult StatPath(string path, out stat st)
    {
        st = default;
        byte[] p = NativeString.Utf8z(path);
        int r;
        fixed (byte* pp = p)
        fixed (stat* sp = &st)
            r = LibC.stat(pp, sp);
        return r == 0 ? SysResult.Success() : SysResult.Fail(LibC.errno);
    }
}
