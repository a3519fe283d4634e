using System.Collections.Generic;
using System.Linq;
using HvDaemons.Os;
using HvDaemons.Testing.Freeze;
using HvDaemons.Vss;
using Xunit;

namespace HvDaemons.Tests.Vss;

/// <summary>The sandbox's guard must refuse anything the test did not create, ro or not.</summary>
public class SandboxMountCheckTests
{
    static readonly Dictionary<string, DeviceNumber> Sources = new()
    {
        ["/dev/zram5"] = new(253, 5, true), ["/dev/zram6"] = new(253, 6, true),
        ["/dev/vda"] = new(254, 0, true), ["/dev/loop3"] = new(7, 3, true),
    };
    static readonly Dictionary<string, DeviceNumber> Filesystems = new()
    {
        ["/"] = new(253, 5, false), ["/proc"] = new(0, 21, false), ["/dev"] = new(0, 30, false),
        ["/mnt/btrfs"] = new(0, 44, false), ["/mnt/host"] = new(254, 0, false), ["/mnt/loop"] = new(7, 3, false),
        ["/sneaky"] = new(254, 0, false),
    };

    static SysResult Stat(string p, out DeviceNumber d) => Sources.TryGetValue(p, out d) ? SysResult.Success() : SysResult.Fail(Errno.ENOENT);
    static SysResult StatFs(string p, out DeviceNumber d) => Filesystems.TryGetValue(p, out d) ? SysResult.Success() : SysResult.Fail(Errno.ENOENT);

    static List<string> Check(string mounts, params string[] allowed) => SandboxMountCheck.Violations(
        mounts.Split('\n').Select(l => MountTable.TryParseLine(l, out var e) ? e : null).Where(e => e is not null)!,
        allowed, Stat, StatFs);

    const string Safe = "/dev/zram5 / ext4 rw 0 0\nproc /proc proc rw 0 0\nhvd-dev /dev tmpfs rw 0 0\n/dev/zram6 /mnt/btrfs btrfs rw 0 0\n";

    [Fact]
    public void OwnDevicesAndPseudoFilesystemsPass() => Assert.Empty(Check(Safe, "253:5", "253:6"));

    [Fact]
    public void TheMachinesDiskIsRefusedEvenReadOnly()
        => Assert.Equal(2, Check(Safe + "/dev/vda /mnt/host ext4 ro 0 0\n", "253:5", "253:6").Count);   // source and filesystem

    [Fact]
    public void ABlockFilesystemUnderANonDevSourceIsRefused()
        => Assert.Single(Check(Safe + "none /sneaky ext4 rw 0 0\n", "253:5", "253:6"));

    [Fact]
    public void AnUnlistedLoopDeviceIsRefused()
        => Assert.Equal(2, Check(Safe + "/dev/loop3 /mnt/loop ext4 rw 0 0\n", "253:5", "253:6").Count);

    [Fact]
    public void AnUnknownSourceIsRefused()
        => Assert.Equal(2, Check(Safe + "/dev/nothere /mnt/x ext4 rw 0 0\n", "253:5", "253:6").Count);

    [Fact]
    public void AShadowedMountOfAnOwnDevicePasses()
        => Assert.Empty(Check(Safe + "/dev/zram6 /mnt/hidden/y ext4 rw 0 0\n", "253:5", "253:6"));
}
