using System.Collections.Generic;
using HvDaemons.Os;
using HvDaemons.Vss;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// The freeze seam in memory: no fuzz input can ever reach FIFREEZE. Keeps the kernel's rules
/// (EBUSY on a frozen mount point, EINVAL thawing a thawed one) and records what was frozen,
/// so the target can check that "/" comes last and that nothing stays frozen.
/// </summary>
sealed class FakeFreezer : IFreezeOps
{
    public HashSet<string> Frozen { get; } = new();
    public List<string> FreezeOrder { get; } = new();
    public int OpenHandles { get; private set; }

    public Errno Open(string mountPoint, out IMountHandle? handle)
    {
        OpenHandles++;
        handle = new Handle(this, mountPoint);
        return 0;
    }

    sealed class Handle(FakeFreezer owner, string mountPoint) : IMountHandle
    {
        bool _closed;

        public Errno Freeze()
        {
            if (!owner.Frozen.Add(mountPoint)) return Errno.EBUSY;
            owner.FreezeOrder.Add(mountPoint);
            return 0;
        }

        public Errno Thaw() => owner.Frozen.Remove(mountPoint) ? 0 : Errno.EINVAL;

        public void Dispose()
        {
            if (_closed) return;
            _closed = true;
            owner.OpenHandles--;
        }
    }
}

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
