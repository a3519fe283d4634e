using System.IO;
using System.Linq;
using HvDaemons.Logging;
using HvDaemons.Vss;
using Xunit;

namespace HvDaemons.Tests.Vss;

public class FreezePlanTests
{
    const string Mounts = @"rootfs / rootfs rw 0 0
sysfs /sys sysfs rw,nosuid,nodev,noexec,relatime 0 0
proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0
udev /dev devtmpfs rw,nosuid,relatime 0 0
/dev/vda1 / ext4 rw,relatime 0 0
tmpfs /run tmpfs rw,nosuid,nodev 0 0
cgroup2 /sys/fs/cgroup cgroup2 rw,nosuid 0 0
/dev/vdb1 /home xfs rw,relatime 0 0
/dev/loop0 /snap/core squashfs ro,nodev,relatime 0 0
/dev/loop1 /mnt/img ext4 rw,relatime 0 0
/dev/mapper/onloop /mnt/dm\040loop ext4 rw,relatime 0 0
/dev/mapper/deep /mnt/deep ext4 rw,relatime 0 0
/dev/mapper/vg-data /data ext4 rw,relatime 0 0
/dev/vdc1 /boot/efi vfat rw,relatime,fmask=0077 0 0
/dev/vdd /mnt/ro ext4 ro,relatime 0 0
/dev/vdb1 /var/lib/bind xfs rw,relatime 0 0
server:/export /mnt/nfs nfs4 rw,relatime 0 0
sshfs#me@host: /mnt/s fuse.sshfs rw,nosuid 0 0
overlay /var/lib/docker/overlay2/x/merged overlay rw,relatime 0 0
/dev/missing /mnt/gone ext4 rw 0 0
/dev/vde /srv/ro-fat vfat ro 0 0
/dev/vda1 / ext4 rw,relatime 0 0
";

    static FakeSysDevBlock Machine() => new FakeSysDevBlock()
        .Device("/dev/vda1", 254, 1)
        .Device("/dev/vdb1", 254, 17)
        .Device("/dev/vdc1", 254, 33)
        .Device("/dev/vdd", 254, 48)
        .Device("/dev/vde", 254, 64)
        .Device("/dev/loop0", 7, 0, "loop")
        .Device("/dev/loop1", 7, 1, "loop")
        .Device("/dev/mapper/onloop", 253, 1, "slaves/loop2/loop")
        .Device("/dev/mapper/deep", 253, 2, "slaves/dm-1/slaves/loop3/loop")
        .Device("/dev/mapper/vg-data", 253, 3, "slaves/vdb2");

    static FreezePlan Plan(FakeSysDevBlock sys, MemoryLogger log, string mounts = Mounts)
    {
        var entries = mounts.Split('\n').Select(l => MountTable.TryParseLine(l, out var e) ? e : null).Where(e => e is not null);
        return FreezePlan.Build(entries!, new LoopDetector(sys.Root, log, sys.Lookup));
    }

    [Fact]
    public void ChoosesBlockDevicesInKernelOrderWithRootLast()
    {
        using var sys = Machine();
        var log = new MemoryLogger();
        FreezePlan plan = Plan(sys, log);
        Assert.Equal(new[] { "/home", "/data", "/var/lib/bind", "/mnt/gone", "/" }, plan.MountPoints);
    }

    [Fact]
    public void ListsWritableMountsLeftUnfrozenButNotKernelPseudoFilesystems()
    {
        using var sys = Machine();
        FreezePlan plan = Plan(sys, new MemoryLogger());
        Assert.Equal(new[]
        {
            "/run (tmpfs, no block device)",
            "/mnt/img (ext4, loop device)",
            "/mnt/dm loop (ext4, loop device)",
            "/mnt/deep (ext4, loop device)",
            "/boot/efi (vfat, vfat is not frozen)",
            "/mnt/nfs (nfs4, no block device)",
            "/mnt/s (fuse.sshfs, no block device)",
            "/var/lib/docker/overlay2/x/merged (overlay, no block device)",
        }, plan.Unfrozen.Select(u => u.ToString()));
    }

    [Fact]
    public void AnUnstattableSourceIsLoggedAndStillFrozen()
    {
        using var sys = Machine();
        var log = new MemoryLogger();
        FreezePlan plan = Plan(sys, log);
        Assert.Contains("/mnt/gone", plan.MountPoints);
        Assert.Contains((LogLevel.Err, "Can't stat: /dev/missing; error:2 No such file or directory"), log.Lines);
    }

    [Fact]
    public void OnlyDevSourcesAreLookedUp()
    {
        using var sys = Machine();
        Plan(sys, new MemoryLogger());
        Assert.All(sys.Looked, s => Assert.StartsWith("/dev/", s));
        Assert.Contains("/dev/loop0", sys.Looked);   // loop check runs before the ro check, as upstream
    }

    [Fact]
    public void ANonBlockSourceIsNotLoopBacked()
    {
        using var sys = new FakeSysDevBlock().NotBlock("/dev/shm/file");
        FreezePlan plan = Plan(sys, new MemoryLogger(), "/dev/shm/file /mnt/f ext4 rw 0 0\n");
        Assert.Equal(new[] { "/mnt/f" }, plan.MountPoints);
    }

    [Fact]
    public void ASlavesCycleEndsWithoutLoop()
    {
        using var sys = new FakeSysDevBlock().Device("/dev/dm-9", 253, 9, "slaves");
        string node = Path.Combine(sys.Root, "253:9");
        Directory.CreateSymbolicLink(Path.Combine(node, "slaves", "self"), node);
        FreezePlan plan = Plan(sys, new MemoryLogger(), "/dev/dm-9 /cyc ext4 rw 0 0\n");
        Assert.Equal(new[] { "/cyc" }, plan.MountPoints);
    }

    [Fact]
    public void RootAloneIsFrozenOnce()
    {
        using var sys = Machine();
        FreezePlan plan = Plan(sys, new MemoryLogger(), "/dev/vda1 / ext4 rw 0 0\n/dev/vda1 / ext4 rw 0 0\n");
        Assert.Equal(new[] { "/" }, plan.MountPoints);
        Assert.Empty(plan.Unfrozen);
    }
}
