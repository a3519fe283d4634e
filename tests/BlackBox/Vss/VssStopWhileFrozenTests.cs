using System;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;
using static HvDaemons.BlackBox.Vss.VssFreezeRoot;

namespace HvDaemons.BlackBox.Vss;

/// <summary>
/// Every way the published hv_vss_daemon can lose its host while filesystems are frozen ends
/// with them thawed: the signals that stop it (SIGHUP included: a closed terminal must not leave
/// the guest frozen) and the channel going away under it.
/// </summary>
public class VssStopWhileFrozenTests
{
    [SkippableTheory]
    [InlineData(2, "SIGINT")]
    [InlineData(1, "SIGHUP")]
    public void A_stop_signal_while_frozen_thaws_before_exit(int signal, string name)
    {
        using FreezeRoot root = TwoFilesystems();
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        using NamespaceProcess writer = root.StartWriter("/mnt/second/a");
        AssertBlocked(writer, root);

        Assert.True(root.Sandbox.Signal(signal), name + " could not be sent\n" + root.Describe());
        Assert.Equal(0, root.Sandbox.WaitForExit(TimeSpan.FromSeconds(30)));
        AssertFinishes(writer, root);
        Assert.Contains("<6> VSS: thawed 2 file system(s) before exit", Logs(root));
    }

    [SkippableFact]
    public void The_channel_going_away_while_frozen_thaws_before_reopening()
    {
        using FreezeRoot root = TwoFilesystems();
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        using NamespaceProcess writer = root.StartWriter("/mnt/second/a");
        AssertBlocked(writer, root);

        // The host restarts: the daemon's blocked read fails and its descriptor goes stale.
        root.Host.Kernel.Vss.Restart();
        AssertFinishes(writer, root);
        Assert.Contains("<6> VSS: thawed 2 file system(s) before reopening the device", Logs(root));
        Assert.True(root.Host.Kernel.Vss.WaitRegistrations(2, TimeSpan.FromSeconds(20)), root.Describe());
        Assert.False(root.Sandbox.HasExited, root.Describe());
    }
}
