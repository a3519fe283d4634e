using System;
using System.Collections.Generic;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>The simulated char devices checked with a raw client, no daemon involved: the
/// semantics the daemons rely on must be the kernel's.</summary>
public sealed class DeviceTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    const string Kvp = "/dev/vmbus/hv_kvp";
    const string Vss = "/dev/vmbus/hv_vss";
    const string Fcopy = "/dev/vmbus/hv_fcopy";

    static List<string> Run(SimHost host, params string[] steps)
    {
        using Sandbox sb = Sandbox.Start(host, new SandboxSpec(RawClient.Path, steps));
        Assert.True(sb.WaitForExit(Bound) == 0, "raw client did not finish:\n" + sb.Describe());
        return ClientLines(sb);
    }

    static List<string> ClientLines(Sandbox sb) => sb.Output.Where(l => !l.StartsWith("hvsim:", StringComparison.Ordinal)).ToList();

    [SkippableFact]
    public void Second_open_gets_EBUSY_and_a_close_frees_the_device()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost();
        List<string> lines = Run(host, "open", Kvp, "open", Kvp, "close", "0", "open", Kvp);
        Assert.Equal(new[] { "open 0", "open EBUSY", "close", "open 1" }, lines);
    }

    [SkippableFact]
    public void Writes_are_size_checked_like_the_kernel()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost();
        List<string> lines = Run(host,
            "open", Vss, "write", "0", "11", "129", "write", "0", "13", "129",
            "open", Fcopy, "write", "1", "3", "1", "write", "1", "5", "1",
            "open", Kvp, "write", "2", "7431", "100",
            // Oversized KVP writes are accepted: this one registers.
            "write", "2", "8000", "100",
            // A registration value KVP does not know.
            "close", "2", "open", Kvp, "write", "3", "7432", "7");
        Assert.Equal(new[]
        {
            "open 0", "write EINVAL", "write EINVAL",
            "open 1", "write EINVAL", "write EINVAL",
            "open 2", "write EINVAL", "write 8000",
            "close", "open 3", "write EINVAL",
        }, lines);
    }

    [SkippableFact]
    public void Short_read_buffer_gets_EINVAL_and_the_message_stays_queued()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost();
        List<string> lines = Run(host,
            "open", Vss, "write", "0", "12", "129",
            "poll", "0", "0", "read", "0", "2", "read", "0", "12", "poll", "0", "0");
        // POLLIN while the 4-byte reply (129) is queued (poll masks to the events asked), 0 once read.
        Assert.Equal(new[] { "open 0", "write 12", "poll 0x1", "read EINVAL", "read 4 first=129", "poll 0x0" }, lines);
        Assert.Equal(1, host.Kernel.Vss.Registrations);
    }

    [SkippableFact]
    public void A_held_registration_reply_is_neither_polled_nor_read_until_released()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost();
        host.Kernel.Vss.HoldRegistrationReplies = true;
        using Sandbox sb = Sandbox.Start(host, new SandboxSpec(RawClient.Path,
            "open", Vss, "write", "0", "12", "129", "poll", "0", "200", "read", "0", "12"));
        Assert.True(host.Kernel.Vss.WaitForEvent("read of 12 B blocks", Bound), string.Join('\n', host.Kernel.Vss.History) + sb.Describe());
        Assert.Equal(0, host.Kernel.Vss.Registrations);
        Assert.NotEqual(ServiceState.Ready, host.Kernel.Vss.State);
        Assert.True(host.Kernel.Vss.ReleaseRegistrationReply());
        Assert.True(sb.WaitForExit(Bound) == 0, sb.Describe());
        Assert.Equal(new[] { "open 0", "write 12", "poll 0x0", "read 4 first=129" }, ClientLines(sb));
        Assert.Equal(1, host.Kernel.Vss.Registrations);
    }

    [SkippableFact]
    public void Read_blocks_even_with_O_NONBLOCK_until_the_host_sends_and_the_reply_reaches_the_host()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost();
        using Sandbox sb = Sandbox.Start(host, new SandboxSpec(RawClient.Path,
            "opennb", Kvp, "write", "0", "7432", "100", "read", "0", "7432",
            "read", "0", "7432", "write", "0", "7432", "0"));
        Assert.True(host.Kernel.Kvp.WaitUntil(s => s.State == ServiceState.Ready && s.PendingReads > 0, Bound), sb.Describe());

        KvpReply reply = host.Kvp.Get(KvpPoolId.Guest, "answer");

        Assert.True(sb.WaitForExit(Bound) == 0, sb.Describe());
        Assert.Equal(new[] { "open 0", "write 7432", "read 7432 first=100", "read 7432 first=256", "write 7432" }, ClientLines(sb));
        Assert.Equal(HostOutcome.Answered, reply.Outcome);
        Assert.Equal(AnswerSource.Daemon, reply.Source);
        Assert.Equal(HvStatus.S_OK, reply.Status);
        Assert.Equal("", reply.Value);
    }

    [SkippableFact]
    public void A_signal_interrupts_a_blocked_read_with_EINTR()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost();
        List<string> lines = Run(host, "open", Fcopy, "alarmread", "0", "8192", "close", "0");
        Assert.Equal(new[] { "open 0", "read EINTR", "close" }, lines);
        Assert.Contains(host.Kernel.Fcopy.History, l => l.Contains("interrupted", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Without_a_daemon_VSS_and_FCOPY_fail_at_once_and_KVP_waits_in_the_ring()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost(new SimKernelOptions { AllowFreeze = true });   // no daemon here to freeze anything
        VssReply freeze = host.Vss.Freeze();
        Assert.Equal((HvStatus.E_FAIL, AnswerSource.NoDaemon), (freeze.Status, freeze.Source!.Value));
        VssReply dm = host.Vss.GetDmInfo();
        Assert.Equal((HvStatus.S_OK, AnswerSource.Kernel), (dm.Status, dm.Source!.Value));
        FcopyReply start = host.Fcopy.Start("a.txt", "/tmp", FcopyOp.OverWrite, 1);
        Assert.Equal((HvStatus.E_FAIL, AnswerSource.NoDaemon), (start.Status, start.Source!.Value));

        var pending = host.Kvp.DeleteAsync(KvpPoolId.Guest, "k");
        Assert.False(pending.Wait(TimeSpan.FromMilliseconds(200)));
        // A raw client registers: the queued request reaches it right after the handshake.
        using Sandbox sb = Sandbox.Start(host, new SandboxSpec(RawClient.Path,
            "open", Kvp, "write", "0", "7432", "100", "read", "0", "7432", "read", "0", "7432", "write", "0", "7432", "0"));
        Assert.True(pending.Wait(Bound), sb.Describe());
        Assert.Equal((HvStatus.S_OK, AnswerSource.Daemon), (pending.Result.Status, pending.Result.Source!.Value));
        Assert.True(sb.WaitForExit(Bound) == 0, sb.Describe());
        Assert.Contains("read 7432 first=258", ClientLines(sb));   // op DELETE (2), pool GUEST (1)
    }
}
