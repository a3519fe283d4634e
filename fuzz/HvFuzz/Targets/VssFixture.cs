using System.Text;
using HvDaemons.Logging;
using HvDaemons.Vss;
using HvDaemons.TestSupport;

namespace HvDaemons.Fuzz.Targets;

/// <summary>A VssService over a fixture /proc/mounts, a fake /sys/dev/block, fake stat() and
/// the in-memory freezer, with a clock the target moves.</summary>
sealed class VssFixture : System.IDisposable
{
    public const string DefaultMounts =
        "/dev/sda1 / ext4 rw,relatime 0 0\n" +
        "proc /proc proc rw,nosuid 0 0\n" +
        "/dev/sdb1 /data xfs rw 0 0\n" +
        "/dev/sdb2 /mnt/with\\040space ext4 rw 0 0\n" +
        "/dev/sdc1 /boot/efi vfat rw 0 0\n" +
        "/dev/loop0 /snap/core squashfs ro 0 0\n" +
        "/dev/mapper/vg-lv /srv ext4 rw 0 0\n" +
        "/dev/sdd1 /ro ext4 ro 0 0\n" +
        "tmpfs /run tmpfs rw 0 0\n";

    readonly Fixture _fx = new("vss");

    public VssFixture()
    {
        _fx.Dir("sys/dev/block/7:0/loop");
        _fx.Dir("sys/dev/block/253:0/slaves/loop0/loop");
        MountsPath = _fx.Write("proc/mounts", DefaultMounts);
        Service = New();
    }

    public string MountsPath { get; }
    public MemoryLogger Log { get; } = new();
    public FakeFreezeOps Freezer { get; private set; } = new();
    public long NowMs { get; set; } = 1_000_000;
    public VssService Service { get; private set; }

    VssService New()
    {
        Freezer = new FakeFreezeOps();
        var paths = new VssPaths(MountsPath, _fx.Path("sys/dev/block"));
        return new VssService(paths, Log, new VssSettings(60_000, 1000), Freezer, FakeDevices.Lookup, () => NowMs);
    }

    public void SetMounts(byte[] text) => System.IO.File.WriteAllBytes(MountsPath, text);

    public void Restart() => Service = New();

    public static byte[] Bytes(string s) => Encoding.UTF8.GetBytes(s);

    public void Dispose() => _fx.Dispose();
}
