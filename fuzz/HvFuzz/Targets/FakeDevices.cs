using HvDaemons.Os;

namespace HvDaemons.Fuzz.Targets;

/// <summary>stat() in memory: /dev/sd* and /dev/vd* are disks, /dev/loop* loop devices, the rest missing.</summary>
static class FakeDevices
{
    public static SysResult Lookup(string path, out DeviceNumber device)
    {
        device = default;
        if (path.StartsWith("/dev/loop", System.StringComparison.Ordinal)) { device = new DeviceNumber(7, 0, true); return SysResult.Success(); }
        if (path.StartsWith("/dev/sd", System.StringComparison.Ordinal) || path.StartsWith("/dev/vd", System.StringComparison.Ordinal))
        {
            device = new DeviceNumber(8, (uint)(path.Length % 16), true);
            return SysResult.Success();
        }
        if (path.StartsWith("/dev/mapper/", System.StringComparison.Ordinal)) { device = new DeviceNumber(253, 0, true); return SysResult.Success(); }
        return SysResult.Fail(Errno.ENOENT);
    }
}
