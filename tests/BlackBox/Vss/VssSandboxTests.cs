using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Testing.Freeze;
using HvDaemons.Wire;
using Xunit;
using static HvDaemons.BlackBox.Vss.VssFreezeRoot;

namespace HvDaemons.BlackBox.Vss;

/// <summary>The published hv_vss_daemon's other requests, and the freeze root's own promises:
/// the guard refuses a root it did not build, and nothing is left behind.</summary>
public class VssSandboxTests
{
    [SkippableFact]
    public void Hot_backup_succeeds_and_an_unknown_op_is_logged_and_answered_0()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost();   // no FREEZE: this sandbox sees the machine's filesystems
        using Sandbox sb = Sandbox.Start(host, SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, "hv_vss_daemon"));
        Assert.True(host.Kernel.Vss.WaitReady(TimeSpan.FromSeconds(20)), sb.Describe());

        VssReply backup = host.Vss.HotBackup();
        host.Kernel.Vss.ForwardEveryOp = true;   // the real kernel answers unknown ops itself
        VssReply unknown = HostCall.Wait(host.Vss.SendAsync(42), null, new VssReply(HostOutcome.NoAnswer, HvStatus.E_FAIL, null));

        Assert.Equal((HostOutcome.Answered, HvStatus.S_OK, AnswerSource.Daemon, VssOp.HbuNoAutoRecovery),
                     (backup.Outcome, backup.Status, backup.Source!.Value, backup.Flags));
        Assert.Equal((HostOutcome.Answered, HvStatus.S_OK, AnswerSource.Daemon), (unknown.Outcome, unknown.Status, unknown.Source!.Value));
        Assert.NotNull(sb.Log.WaitFor(l => l.Severity == 6 && l.Message == "VSS: op=CHECK HOT BACKUP", TimeSpan.FromSeconds(5)));
        Assert.NotNull(sb.Log.WaitFor(l => l.Severity == 3 && l.Message == "Illegal op:42", TimeSpan.FromSeconds(5)));
        Assert.Null(sb.ExitCode);
    }

    [SkippableFact]
    public void The_guard_refuses_a_root_holding_a_mount_of_the_machine_and_the_daemon_never_starts()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.SkipIf(FreezeRoot.WhyUnavailable());
        var host = new SimHost();   // no FREEZE either: the guard is what is tested
        using FreezeRoot root = FreezeRoot.Start(host, BlackBoxEnvironment.Daemon("hv_vss_daemon"), "ext4",
                                                 [new RootMount.HostBind("/mnt/machine", "/usr")]);

        Assert.Equal(97, root.Sandbox.WaitForExit(TimeSpan.FromSeconds(60)));
        Assert.Contains(root.Sandbox.Output, l => l.StartsWith("hvd-guard: unsafe /mnt/machine: ", StringComparison.Ordinal));
        Assert.Equal(0, host.Kernel.Vss.Opens);
    }

    [SkippableFact]
    public void Nothing_is_left_behind_zram_loop_mounts_or_work_files()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.SkipIf(FreezeRoot.WhyUnavailable());
        string[] mountsBefore = File.ReadAllLines("/proc/self/mounts");
        string[] devices;
        using (FreezeRoot root = TwoFilesystems("btrfs", new RootMount.Loop("/mnt/loop"), new RootMount.Unfreezable("/mnt/nofreeze")))
        {
            devices = root.ZramDevices.Select(d => d.Name).ToArray();
            Assert.Equal(3, devices.Length);   // root, btrfs, the unfreezable tmpfs's name
            Assert.All(devices, d => Assert.True(Directory.Exists("/sys/block/" + d)));
            AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.E_FAIL, root);
            using NamespaceProcess writer = root.StartWriter("/mnt/second/a");
            AssertFinishes(writer, root);
        }

        // Other test runs may add mounts of their own here (e.g. /run/netns); none may be ours.
        string[] added = File.ReadAllLines("/proc/self/mounts").Except(mountsBefore).ToArray();
        string[] ours = devices.Select(d => "/dev/" + d + " ").Concat(["/dev/loop", "hvsim", "hvd-", "/dev/shm/"]).ToArray();
        Assert.DoesNotContain(added, l => ours.Any(o => l.Contains(o, StringComparison.Ordinal)));
        foreach (string d in devices)
            Assert.False(File.Exists(Path.Combine(Path.GetTempPath(), "hvdaemons-vss-zram", d)), d + " is still in the ledger");
        Assert.All(devices, d => Assert.False(Directory.Exists("/sys/block/" + d), d + " was not removed"));
        Assert.Empty(Directory.GetDirectories("/dev/shm", "hvd-freeze-" + Environment.ProcessId + "-*"));
        Assert.DoesNotContain(LoopBackingFiles(), f => f.StartsWith("/dev/shm/hvd-freeze-", StringComparison.Ordinal));
    }

    static IEnumerable<string> LoopBackingFiles()
    {
        foreach (string dev in Directory.GetDirectories("/sys/block", "loop*"))
        {
            string file = Path.Combine(dev, "loop", "backing_file");
            if (File.Exists(file)) yield return File.ReadAllText(file).Trim();
        }
    }
}
