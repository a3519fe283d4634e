using System;
using System.Linq;
using HvDaemons.Tests.Vss.Sandbox;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Vss;

[CollectionDefinition("vss-sandbox", DisableParallelization = true)]
public class VssSandboxCollection { }

/// <summary>
/// Real FIFREEZE/FITHAW on zram filesystems, only inside a <see cref="FreezeSandbox"/>. The
/// service runs as it does in hv_vss_daemon (same VssService and ServiceLoop), with the test
/// driver's stdin/stdout standing in for /dev/vmbus/hv_vss (tests/BlackBox/Vss runs the published
/// binary against the simulated device).
/// "Blocked" is decided by a write+fsync child that has not finished after a pause; a frozen
/// filesystem holds it until the thaw.
/// </summary>
[Collection("vss-sandbox")]
public class FreezeNamespaceTests
{
    const string Ok = "0";
    static readonly string Fail = HvStatus.E_FAIL.ToString("x");

    static FreezeSandbox TwoFilesystems(params SandboxMount[] more) =>
        FreezeSandbox.Start("ext4", new SandboxMount[] { new ZramMount("/mnt/xfs", "xfs") }.Concat(more).ToArray());

    [Theory]
    [InlineData("xfs")]
    [InlineData("btrfs")]
    public void FreezeHoldsWritersUntilThaw(string fsType)
    {
        using FreezeSandbox sb = FreezeSandbox.Start("ext4", new ZramMount("/mnt/xfs", fsType));
        sb.Send("daemon-start");
        Assert.Equal("done 0 done", sb.Send("writer-start warmup /mnt/xfs/warm") + sb.Send("writer-wait warmup 20000"));

        Assert.Equal(Ok, sb.Send("op 5 30000"));
        sb.Send("writer-start xfs /mnt/xfs/a");
        sb.Send("writer-start root /b");
        Assert.Equal("blocked", sb.Send("writer-wait xfs 1500"));
        Assert.Equal("blocked", sb.Send("writer-wait root 100"));

        Assert.Equal(Ok, sb.Send("op 6 30000"));
        Assert.Equal("done 0 done", sb.Send("writer-wait xfs 20000"));
        Assert.Equal("done 0 done", sb.Send("writer-wait root 20000"));
        string[] logs = sb.Logs();
        Assert.Contains("<6> VSS: op=FREEZE: succeeded", logs);
        Assert.Contains("<6> VSS: op=THAW: succeeded", logs);
    }

    [Fact]
    public void AFreezeThatFailsPartWayThawsAllAndNamesTheMountPoint()
    {
        // /mnt/x/y is listed in /proc/mounts but hidden under a later tmpfs on /mnt/x: opening
        // it fails with ENOENT after /mnt/xfs was frozen.
        using FreezeSandbox sb = TwoFilesystems(new ZramMount("/mnt/x/y", "ext4"), new TmpfsMount("/mnt/x"));
        sb.Send("daemon-start");
        Assert.Equal(Fail, sb.Send("op 5 30000"));
        sb.Send("writer-start w /mnt/xfs/a");
        Assert.Equal("done 0 done", sb.Send("writer-wait w 20000"));
        Assert.Equal("free", sb.Send("probe /mnt/xfs"));
        Assert.Equal("free", sb.Send("probe /"));
        string[] logs = sb.Logs();
        int failed = Array.IndexOf(logs, "<3> FREEZE of /mnt/x/y failed; error:2 No such file or directory");
        Assert.True(failed >= 0, string.Join("\n", logs));
        Assert.Equal(new[] { "<6> VSS: op=FREEZE: failed", "<3> op=5 failed!", "<3> report it with these files:", "<3> /etc/fstab and /proc/mounts" },
                     logs.Skip(failed + 1).Take(4));
    }

    [Theory]
    [InlineData("TERM")]
    [InlineData("INT")]
    [InlineData("HUP")]
    public void ASignalWhileFrozenThawsBeforeExit(string signal)
    {
        using FreezeSandbox sb = TwoFilesystems();
        sb.Send("daemon-start");
        Assert.Equal(Ok, sb.Send("op 5 30000"));
        sb.Send("writer-start w /mnt/xfs/a");
        Assert.Equal("blocked", sb.Send("writer-wait w 1000"));
        sb.Send("daemon-signal " + signal);
        Assert.Equal("exited 0", sb.Send("daemon-wait 20000"));
        Assert.Equal("done 0 done", sb.Send("writer-wait w 20000"));
        Assert.Contains("<6> VSS: thawed 2 file system(s) before exit", sb.Logs());
    }

    [Fact]
    public void TheDeviceGoingAwayWhileFrozenThawsBeforeExit()
    {
        using FreezeSandbox sb = TwoFilesystems();
        sb.Send("daemon-start");
        Assert.Equal(Ok, sb.Send("op 5 30000"));
        sb.Send("daemon-close-stdin");
        Assert.Equal("exited 1", sb.Send("daemon-wait 20000"));
        Assert.Equal("free", sb.Send("probe /mnt/xfs"));
        Assert.Contains("<6> VSS: thawed 2 file system(s) before reopening the device", sb.Logs());
    }

    [Fact]
    public void TheWatchdogThawsWhenNoThawComes()
    {
        using FreezeSandbox sb = TwoFilesystems();
        sb.Send("daemon-start HV_VSS_FREEZE_TIMEOUT_MS=2000");
        Assert.Equal(Ok, sb.Send("op 5 30000"));
        sb.Send("writer-start w /mnt/xfs/a");
        Assert.Equal("blocked", sb.Send("writer-wait w 500"));
        Assert.Equal("done 0 done", sb.Send("writer-wait w 30000"));
        Assert.Contains("<4> VSS: no THAW within 2 s of FREEZE; watchdog thawed 2 file system(s)", sb.Logs());
        Assert.Equal("running", sb.Send("daemon-wait 10"));
        Assert.Equal(Ok, sb.Send("op 6 30000"));   // the late THAW still succeeds
    }

    [Fact]
    public void LoopReadOnlyAndMemoryMountsAreLeftAloneAndNamed()
    {
        using FreezeSandbox sb = TwoFilesystems(new LoopMount("/mnt/loop"), new ZramMount("/mnt/ro", "ext4", "ro"),
                                                new TmpfsMount("/mnt/tmp"));
        sb.Send("daemon-start");
        Assert.Equal(Ok, sb.Send("op 5 30000"));
        // The loop image lives on a tmpfs, so writing to the loop filesystem cannot wait on a frozen disk.
        sb.Send("writer-start loop /mnt/loop/a");
        Assert.Equal("done 0 done", sb.Send("writer-wait loop 20000"));
        Assert.Equal("free", sb.Send("probe /mnt/ro"));
        Assert.Equal("frozen", sb.Send("probe /mnt/xfs"));
        Assert.Equal(Ok, sb.Send("op 6 30000"));
        string line = sb.Logs().Single(l => l.StartsWith("<6> VSS: not frozen", StringComparison.Ordinal));
        Assert.Equal("<6> VSS: not frozen (writable, cannot be frozen): /dev (tmpfs, no block device), "
                     + "/images (tmpfs, no block device), /mnt/loop (ext4, loop device), /mnt/tmp (tmpfs, no block device)", line);
    }
}
