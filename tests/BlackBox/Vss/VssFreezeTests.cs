using System;
using System.Collections.Generic;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;
using static HvDaemons.BlackBox.Vss.VssFreezeRoot;

namespace HvDaemons.BlackBox.Vss;

/// <summary>
/// Real FIFREEZE/FITHAW by the published hv_vss_daemon, driven by the simulated host, only in a
/// root the test built on zram (<see cref="FreezeRoot"/>). "Blocked" is a write+fsync child in
/// the namespace that has not finished after a pause; a frozen filesystem holds it until thawed.
/// </summary>
public class VssFreezeTests
{
    [SkippableTheory]
    [InlineData("xfs")]
    [InlineData("btrfs")]
    public void Freeze_holds_writers_on_both_filesystems_until_thaw(string secondFs)
    {
        using FreezeRoot root = TwoFilesystems(secondFs);
        using (NamespaceProcess warm = root.StartWriter("/mnt/second/warm")) AssertFinishes(warm, root);

        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        using NamespaceProcess second = root.StartWriter("/mnt/second/a");
        using NamespaceProcess rootFs = root.StartWriter("/b");
        AssertBlocked(second, root);
        AssertBlocked(rootFs, root);
        Assert.Equal("frozen", root.Probe("/mnt/second"));

        AssertDaemonReply(root.Host.Vss.Thaw(), HvStatus.S_OK, root);
        AssertFinishes(second, root);
        AssertFinishes(rootFs, root);
        string[] logs = Logs(root);
        Assert.Contains("<6> VSS: op=FREEZE: succeeded", logs);
        Assert.Contains("<6> VSS: op=THAW: succeeded", logs);
    }

    [SkippableFact]
    public void A_freeze_that_fails_part_way_thaws_everything_and_names_the_mount_point()
    {
        // /mnt/second is frozen first; then FIFREEZE on /mnt/nofreeze (a tmpfs listed with a
        // /dev/ source) fails with EOPNOTSUPP, and the daemon must undo the first freeze.
        using FreezeRoot root = TwoFilesystems("xfs", new RootMount.Unfreezable("/mnt/nofreeze"));

        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.E_FAIL, root);
        using NamespaceProcess writer = root.StartWriter("/mnt/second/a");
        AssertFinishes(writer, root);
        Assert.Equal("free", root.Probe("/mnt/second"));
        Assert.Equal("free", root.Probe("/"));
        string[] logs = Logs(root);
        int failed = Array.IndexOf(logs, "<3> FREEZE of /mnt/nofreeze failed; error:95 Operation not supported");
        Assert.True(failed >= 0, root.Describe());
        Assert.Equal(new[] { "<6> VSS: op=FREEZE: failed", "<3> op=5 failed!", "<3> report it with these files:", "<3> /etc/fstab and /proc/mounts" },
                     logs.Skip(failed + 1).Take(4));
    }

    [SkippableFact]
    public void SIGTERM_while_frozen_thaws_before_exit()
    {
        using FreezeRoot root = TwoFilesystems();
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        using NamespaceProcess writer = root.StartWriter("/mnt/second/a");
        AssertBlocked(writer, root);

        Assert.True(root.Sandbox.Terminate());
        Assert.Equal(0, root.Sandbox.WaitForExit(TimeSpan.FromSeconds(30)));
        // Nobody thawed but the daemon on its way out: it is gone, the writer goes on.
        AssertFinishes(writer, root);
        Assert.Contains("<6> VSS: thawed 2 file system(s) before exit", Logs(root));
    }

    [SkippableFact]
    public void The_watchdog_thaws_when_no_THAW_comes()
    {
        using FreezeRoot root = Start([new RootMount.Zram("/mnt/second", "xfs")],
                                      new Dictionary<string, string> { ["HV_VSS_FREEZE_TIMEOUT_MS"] = "3000" });
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        using NamespaceProcess writer = root.StartWriter("/mnt/second/a");
        Assert.False(writer.Finished(TimeSpan.FromMilliseconds(500)), "the writer finished on a frozen filesystem\n" + root.Describe());

        AssertFinishes(writer, root);
        Assert.Contains("<4> VSS: no THAW within 3 s of FREEZE; watchdog thawed 2 file system(s)", Logs(root));
        Assert.DoesNotContain(root.Host.Kernel.Vss.History, l => l.Contains("VSS THAW", StringComparison.Ordinal));
        Assert.Equal("free", root.Probe("/mnt/second"));
        Assert.False(root.Sandbox.HasExited, root.Describe());
    }

    [SkippableFact]
    public void Loop_read_only_and_memory_mounts_are_left_alone_and_named()
    {
        // vfat is not among them: this machine's kernel has no vfat; FreezePlanTests cover it.
        using FreezeRoot root = TwoFilesystems("xfs", new RootMount.Loop("/mnt/loop"), new RootMount.Zram("/mnt/ro", "ext4", "ro"),
                                               new RootMount.Tmpfs("/mnt/tmp"));
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        using NamespaceProcess loop = root.StartWriter("/mnt/loop/a");
        using NamespaceProcess tmp = root.StartWriter("/mnt/tmp/a");
        AssertFinishes(loop, root);
        AssertFinishes(tmp, root);
        Assert.Equal("free", root.Probe("/mnt/loop"));
        Assert.Equal("free", root.Probe("/mnt/ro"));
        Assert.Equal("frozen", root.Probe("/mnt/second"));
        AssertDaemonReply(root.Host.Vss.Thaw(), HvStatus.S_OK, root);

        string line = Logs(root).Single(l => l.StartsWith("<6> VSS: not frozen", StringComparison.Ordinal));
        // Kernel order: /dev/vmbus was mounted (by the launcher) before the root's /dev, and moved.
        Assert.Equal("<6> VSS: not frozen (writable, cannot be frozen): /dev/vmbus (fuse, no block device), "
                     + "/dev (tmpfs, no block device), /dev/log (tmpfs, no block device), "
                     + "/mnt/loop (ext4, loop device), /mnt/tmp (tmpfs, no block device)", line);
    }
}
