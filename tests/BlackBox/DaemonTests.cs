using System;
using System.Threading.Tasks;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>The published AOT daemons against the simulated host: handshake, one exchange
/// each, the single-opener rule, death mid-request, restart, and a reply after the kernel
/// timeout. Only the handshake and the shape of one reply are assumed of the services.</summary>
public sealed class DaemonTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    static Sandbox StartDaemon(SimHost host, string name)
        => Sandbox.Start(host, SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, name));

    static void AssertRegistered(SimService service, Sandbox sb, int count = 1)
        => Assert.True(service.WaitRegistrations(count, Bound) && service.WaitReady(Bound),
                       service.Name + " did not register:\n" + string.Join("\n", service.History) + "\n" + sb.Describe());

    [SkippableFact]
    public void Kvp_registers_with_version_3_1_and_answers_with_a_full_message()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_kvp_daemon");
        var host = new SimHost();
        using Sandbox sb = StartDaemon(host, "hv_kvp_daemon");
        AssertRegistered(host.Kernel.Kvp, sb);
        Assert.NotNull(sb.Log.WaitFor("KVP LIC Version: 3.1", Bound));

        KvpReply reply = host.Kvp.Get(KvpPoolId.Auto, "FullyQualifiedDomainName");

        Assert.Equal(HostOutcome.Answered, reply.Outcome);
        Assert.Equal(AnswerSource.Daemon, reply.Source);
        Assert.Contains("daemon wrote 7432 B", host.Kernel.Kvp.History);
        Assert.Null(sb.ExitCode);
    }

    [SkippableFact]
    public void Vss_answers_hot_backup_with_success_and_dm_info_never_reaches_it()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_vss_daemon");
        var host = new SimHost();
        using Sandbox sb = StartDaemon(host, "hv_vss_daemon");
        AssertRegistered(host.Kernel.Vss, sb);

        VssReply backup = host.Vss.HotBackup();
        VssReply dm = host.Vss.GetDmInfo();

        Assert.Equal((HvStatus.S_OK, AnswerSource.Daemon, VssOp.HbuNoAutoRecovery), (backup.Status, backup.Source!.Value, backup.Flags));
        Assert.Equal((HvStatus.S_OK, AnswerSource.Kernel), (dm.Status, dm.Source!.Value));
        Assert.Contains("daemon wrote 12 B", host.Kernel.Vss.History);
    }

    [SkippableFact]
    public void Fcopy_answers_a_start_with_a_4_byte_status()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_fcopy_daemon");
        var host = new SimHost();
        using Sandbox sb = StartDaemon(host, "hv_fcopy_daemon");
        AssertRegistered(host.Kernel.Fcopy, sb);

        FcopyReply start = host.Fcopy.Start("hello.txt", sb.WorkDirectory, FcopyOp.OverWrite, 5);

        Assert.Equal((HostOutcome.Answered, AnswerSource.Daemon), (start.Outcome, start.Source!.Value));
        Assert.Contains("daemon wrote 4 B", host.Kernel.Fcopy.History);
    }

    [SkippableFact]
    public void A_second_daemon_gets_EBUSY_and_exits_nonzero_while_the_first_keeps_serving()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_kvp_daemon");
        var host = new SimHost();
        using Sandbox first = StartDaemon(host, "hv_kvp_daemon");
        AssertRegistered(host.Kernel.Kvp, first);

        using Sandbox second = StartDaemon(host, "hv_kvp_daemon");
        int? status = second.WaitForExit(Bound);

        Assert.True(status is int s && s != 0, "second daemon should fail:\n" + second.Describe());
        Assert.NotNull(second.Log.WaitFor("already holds the device", TimeSpan.FromSeconds(2)));
        Assert.Contains("open by pid " + second.Pid + " -> EBUSY", host.Kernel.Kvp.History);
        Assert.Equal(AnswerSource.Daemon, host.Kvp.Enumerate(KvpPoolId.Auto, 0).Source);
    }

    [SkippableFact]
    public void Killed_mid_request_the_host_gets_E_FAIL_and_a_restarted_daemon_serves_again()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_kvp_daemon");
        var host = new SimHost();
        Task<KvpReply> inFlight;
        using (Sandbox sb = StartDaemon(host, "hv_kvp_daemon"))
        {
            AssertRegistered(host.Kernel.Kvp, sb);
            Assert.True(sb.Stop());   // hold it so the request is still outstanding when it dies
            inFlight = host.Kvp.SetAsync(KvpPoolId.Guest, "k", "v");
            Assert.True(host.Kernel.Kvp.WaitUntil(s => s.State == ServiceState.UserspaceReq, Bound));
            Assert.True(sb.KillHard());
            Assert.True(inFlight.Wait(Bound), "no answer after the daemon died:\n" + string.Join("\n", host.Kernel.Kvp.History));
        }
        Assert.Equal((HvStatus.E_FAIL, AnswerSource.DaemonGone), (inFlight.Result.Status, inFlight.Result.Source!.Value));
        Assert.True(host.Kernel.Kvp.WaitClosed(Bound));
        Assert.Equal(ServiceState.DeviceInit, host.Kernel.Kvp.State);

        using Sandbox restarted = StartDaemon(host, "hv_kvp_daemon");
        AssertRegistered(host.Kernel.Kvp, restarted, count: 2);
        Assert.Equal(AnswerSource.Daemon, host.Kvp.Get(KvpPoolId.Guest, "k").Source);
    }

    [SkippableFact]
    public void A_reply_after_the_kernel_timeout_gets_EINVAL_and_the_daemon_registers_again()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_kvp_daemon");
        var host = new SimHost();
        using Sandbox sb = StartDaemon(host, "hv_kvp_daemon");
        AssertRegistered(host.Kernel.Kvp, sb);

        Assert.True(sb.Stop());
        KvpReply timedOut;
        using (host.Kernel.Kvp.KernelTimeout(TimeSpan.FromMilliseconds(300)))
            timedOut = host.Kvp.Get(KvpPoolId.Guest, "late");
        Assert.Equal((HvStatus.E_FAIL, AnswerSource.KernelTimeout), (timedOut.Status, timedOut.Source!.Value));
        Assert.True(sb.Continue());

        // The daemon now reads the stale request, its reply is refused, it reopens and registers.
        Assert.True(host.Kernel.Kvp.WaitForEvent("write rejected: EINVAL", Bound), string.Join("\n", host.Kernel.Kvp.History));
        AssertRegistered(host.Kernel.Kvp, sb, count: 2);
        Assert.NotNull(sb.Log.WaitFor("write failed", Bound));
        Assert.Equal(2, host.Kernel.Kvp.Opens);
        Assert.Equal(AnswerSource.Daemon, host.Kvp.Get(KvpPoolId.Guest, "again").Source);
        Assert.Null(sb.ExitCode);
    }
}
