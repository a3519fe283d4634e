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
/// systemd readiness of the published daemons: with $NOTIFY_SOCKET naming an abstract socket
/// the test bound, no READY=1 while the kernel's registration reply is held back, READY=1
/// after the daemon read it (and only then), STATUS but no second READY after a re-registration,
/// and STOPPING=1 on SIGTERM.
/// </summary>
public sealed class ReadinessTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    static SimService Service(SimHost host, string daemon) => daemon switch
    {
        "hv_kvp_daemon" => host.Kernel.Kvp,
        "hv_vss_daemon" => host.Kernel.Vss,
        _ => host.Kernel.Fcopy,
    };

    [SkippableTheory]
    [InlineData("hv_kvp_daemon", "registered, protocol 3.1")]
    [InlineData("hv_vss_daemon", "registered, protocol ")]
    [InlineData("hv_fcopy_daemon", "registered, protocol ")]
    public void Ready_comes_once_right_after_the_registration_reply_is_read(string daemon, string registeredStatus)
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon(daemon);
        var host = new SimHost();
        SimService service = Service(host, daemon);
        service.HoldRegistrationReplies = true;
        using var notify = new NotifyListener();
        SandboxSpec spec = SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, daemon);
        spec.Environment["NOTIFY_SOCKET"] = notify.Address;
        using Sandbox sb = Sandbox.Start(host, spec);
        string context() => notify.Describe() + string.Join("\n", service.History) + "\n" + sb.Describe();

        // The daemon wrote its registration; the kernel has not answered yet.
        Assert.True(service.WaitUntil(s => s.RegistrationReplyHeld, Bound), "no registration:\n" + context());
        // It does talk to the socket meanwhile, so the silence about READY below means something.
        Assert.True(WaitForStatus(notify, "registering with /dev/vmbus/hv_", Bound), context());
        Thread.Sleep(1000);
        Assert.True(notify.With("READY=1").Count == 0, "READY=1 before the registration reply:\n" + context());
        Assert.Null(sb.ExitCode);

        service.HoldRegistrationReplies = false;
        Assert.True(service.ReleaseRegistrationReply());
        Assert.True(service.WaitRegistrations(1, Bound), "the reply was not read:\n" + context());
        // No time bound (a loaded machine is slow, not wrong): the order is what systemd relies on.
        Assert.True(notify.WaitFor("READY=1", Bound) is not null, "no READY=1 after the reply:\n" + context());
        Assert.Contains(notify.With("READY=1"), m => m.Text.Contains("STATUS=" + registeredStatus, StringComparison.Ordinal));

        // A host restart makes the daemon reopen and register again: STATUS, never READY again.
        service.Restart();
        Assert.True(service.WaitRegistrations(2, Bound) && service.WaitReady(Bound), "no second registration:\n" + context());
        Assert.True(WaitForStatus(notify, "reopening", Bound), context());
        Assert.True(WaitUntil(() => notify.Messages.SkipWhile(m => !m.Text.Contains("reopening")).Any(m => m.Text.Contains("STATUS=registered")), Bound),
                    "no STATUS after the re-registration:\n" + context());
        Assert.True(notify.With("READY=1").Count == 1, "READY=1 more than once:\n" + context());

        Assert.True(sb.Terminate());
        Assert.Equal(0, sb.WaitForExit(Bound));
        Assert.True(notify.WaitFor("STOPPING=1", Bound) is not null, "no STOPPING=1 on SIGTERM:\n" + context());
    }

    static bool WaitForStatus(NotifyListener notify, string text, TimeSpan timeout)
        => WaitUntil(() => notify.Messages.Any(m => m.Text.Contains("STATUS=" + text, StringComparison.Ordinal)), timeout);

    static bool WaitUntil(Func<bool> condition, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        while (!condition())
        {
            if (DateTime.UtcNow > end) return false;
            Thread.Sleep(20);
        }
        return true;
    }
}
