using System;
using System.Linq;
using System.Threading;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.HostSim.Systemd;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>
/// A daemon started where its device does not exist (a confidential VM has no KVP channel,
/// "Guest services" off removes fcopy) logs one line, tells systemd READY=1 with the reason
/// (a Type=notify unit that exits without it counts as failed) and exits 0, so that
/// Restart=on-failure never turns absence into a loop of errors.
/// </summary>
public sealed class QuietAbsenceTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [SkippableTheory]
    [InlineData("hv_kvp_daemon", "no /dev/vmbus/hv_kvp")]
    [InlineData("hv_vss_daemon", "no /dev/vmbus/hv_vss")]
    [InlineData("hv_fcopy_daemon", "no fcopy VMBus device")]
    public void Without_its_device_a_daemon_logs_one_line_and_exits_0(string daemon, string reason)
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon(daemon);
        var host = new SimHost(new SimKernelOptions { HasKvp = false, HasVss = false, HasFcopy = false });
        using var notify = new NotifyListener();
        SandboxSpec spec = SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, daemon);
        spec.Environment["NOTIFY_SOCKET"] = notify.Address;
        // Without the char device fcopy looks for the VMBus device in sysfs: an empty bus
        // list, in this namespace only, so a Hyper-V test machine's real device is never touched.
        spec.Mounts.Add(new SandboxMount.Tmpfs("/sys/bus"));
        using Sandbox sb = Sandbox.Start(host, spec);

        int? exit = sb.WaitForExit(Bound);

        string context = sb.Describe() + "\n" + notify.Describe();
        Assert.True(exit == 0, "exit " + exit + ":\n" + context);
        Thread.Sleep(200);   // the last syslog datagram may still be on its way
        var lines = sb.Log.Lines;
        Assert.True(lines.Count(l => l.Message.Contains("nothing to serve", StringComparison.Ordinal)) == 1, context);
        Assert.Contains(lines, l => l.Message.StartsWith(reason, StringComparison.Ordinal) && l.Message.Contains("nothing to serve"));
        Assert.True(lines.All(l => l.Severity > 3), "an error line for a missing device:\n" + context);
        var ready = Assert.Single(notify.With("READY=1"));
        Assert.Contains("STATUS=not started: " + reason, ready.Text);
    }
}
