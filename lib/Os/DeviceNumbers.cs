using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>A device's major:minor, as /sys/dev/block names it.</summary>
public readonly record struct DeviceNumber(uint Major, uint Minor, bool IsBlockDevice)
{
    public override string ToString() => Major + ":" + Minor;
}

/// <summary>statx and access() for the few places that ask what a device node is.</summary>
public static unsafe class DeviceNumbers
{
    public const int R_OK = 4;
    public const int X_OK = 1;

    /// <summary>The device <paramref name="path"/> names (its rdev), or the errno of stat().</summary>
    public static SysResult Stat(string path, out DeviceNumber device)
    {
        SysResult r = FileStat.Fields(path, followSymlinks: true, out StatxFields f);
        device = r.Ok ? new DeviceNumber(f.RdevMajor, f.RdevMinor, f.IsBlockDevice) : default;
        return r;
    }

    /// <summary>The device a mounted filesystem reports for its files (its dev).</summary>
    public static SysResult StatFilesystem(string path, out DeviceNumber device)
    {
        SysResult r = FileStat.Fields(path, followSymlinks: true, out StatxFields f);
        device = r.Ok ? new DeviceNumber(f.DevMajor, f.DevMinor, false) : default;
        return r;
    }

    public static bool Accessible(string path, int mode)
    {
        byte[] p = NativeString.Utf8z(path);
        fixed (byte* pp = p) return LibC.access(pp, mode) == 0;
    }
}
