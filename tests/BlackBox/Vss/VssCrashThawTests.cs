using System;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;
using static HvDaemons.BlackBox.Vss.VssFreezeRoot;

namespace HvDaemons.BlackBox.Vss;

/// <summary>
/// A daemon killed while the guest is frozen (SIGKILL: no handler runs, as after the OOM killer)
/// and started again, as Restart=on-failure does: the new instance thaws, from the record in
/// /run, what the dead one froze before it registers, then serves FREEZE and THAW as usual.
/// </summary>
public class VssCrashThawTests
{
    const string Record = "/run/hyperv-vss/frozen";
    static readonly TimeSpan ThawedWithin = TimeSpan.FromSeconds(5);

    [SkippableFact]
    public void After_SIGKILL_while_frozen_a_new_instance_thaws_then_freezes_and_thaws_normally()
    {
        // /run is a tmpfs, as on every systemd machine: the record is never on a frozen disk.
        using FreezeRoot root = Start([new RootMount.Zram("/mnt/second", "xfs"), new RootMount.Tmpfs("/run")]);
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        string[] recorded = File.ReadAllLines(root.Sandbox.HostPath(Record));
        Assert.Equal("hv_vss_daemon frozen v1", recorded[0]);
        Assert.Equal(["/mnt/second", "/"], recorded.Skip(1).Select(l => l[(l.IndexOf(' ') + 1)..]));
        using NamespaceProcess second = root.StartWriter("/mnt/second/a");
        using NamespaceProcess rootFs = root.StartWriter("/b");
        AssertBlocked(second, root);

        Assert.True(root.Sandbox.KillHard(), root.Describe());
        Assert.Equal(128 + 9, root.Sandbox.WaitForExit(TimeSpan.FromSeconds(30)));
        // Nothing thaws by itself: the writers (which keep the namespace alive) stay blocked.
        AssertBlocked(second, root);
        Assert.Equal("frozen", root.Probe("/mnt/second"));

        NamespaceProcess daemon = root.RestartDaemon();
        Assert.True(second.Finished(ThawedWithin), "still frozen " + ThawedWithin + " after the restart\n" + root.Describe());
        Assert.True(rootFs.Finished(ThawedWithin), "/ still frozen after the restart\n" + root.Describe());
        Assert.Equal("exit 0: done", second.Result);
        Assert.Equal("exit 0: done", rootFs.Result);
        Assert.Contains("<4> VSS: an earlier instance died with file systems frozen; thawed /mnt/second, /", Logs(root));

        Assert.True(root.Host.Kernel.Vss.WaitRegistrations(2, TimeSpan.FromSeconds(30)) && root.Host.Kernel.Vss.WaitReady(TimeSpan.FromSeconds(30)),
                    root.Describe());
        Assert.False(File.Exists("/proc/" + daemon.Pid + "/root" + Record),
                     "the record outlived the crash-thaw");
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        using NamespaceProcess again = root.StartWriter("/mnt/second/c");
        AssertBlocked(again, root);
        AssertDaemonReply(root.Host.Vss.Thaw(), HvStatus.S_OK, root);
        AssertFinishes(again, root);
        Assert.Equal("free", root.Probe("/mnt/second"));
        Assert.False(daemon.HasExited, root.Describe());
        // The thaw at start came before the new instance opened the device.
        string[] logs = Logs(root);
        int thawed = Array.FindIndex(logs, l => l.Contains("an earlier instance died", StringComparison.Ordinal));
        int registered = Array.FindLastIndex(logs, l => l.StartsWith("<6> VSS: kernel module version", StringComparison.Ordinal));
        Assert.InRange(thawed, 0, registered - 1);
    }
}
