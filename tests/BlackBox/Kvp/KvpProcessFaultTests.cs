using System;
using System.IO;
using System.Linq;
using System.Net.Sockets;
using System.Threading.Tasks;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// Faults around the published daemon rather than its disk: the channel dropped by a host
/// restart, a kernel timeout, SIGTERM mid-operation, a second daemon, and /dev/log missing or
/// never read. Each: nothing stored is lost, a clear log line, service resumes.
/// </summary>
public sealed class KvpProcessFaultTests
{
    static readonly (string, string)[] Stored = [("stored-1", "first"), ("stored-2", "second")];

    static SandboxSpec Seeded() => KvpDaemon.Spec().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_1", PoolRecords.Encode(Stored));

    [SkippableFact]
    public void A_host_restart_while_idle_fails_the_blocked_read_and_the_daemon_registers_again()
    {
        using var d = KvpDaemon.Start(Seeded());
        d.Device.Restart();

        d.AssertRegistered(2);
        SyslogLine? line = d.Log.WaitFor(l => l.Message.StartsWith("read failed; error: ", StringComparison.Ordinal), KvpDaemon.Bound);
        Assert.True(line is not null, d.Describe());
        Assert.Single(d.Log.Lines, l => l.Message.StartsWith("read failed", StringComparison.Ordinal));
        Assert.Equal(2, d.Device.Opens);
        Assert.Equal(Stored, d.EnumerateAll(KvpPoolId.Guest));
        d.AssertServes();
    }

    [SkippableFact]
    public void A_host_restart_with_a_request_in_flight_fails_it_and_service_resumes()
    {
        using var d = KvpDaemon.Start(Seeded());
        Assert.True(d.Sandbox.Stop());
        Task<KvpReply> inFlight = d.Kvp.SetAsync(KvpPoolId.Guest, "in-flight", "x");
        Assert.True(d.Device.WaitUntil(s => s.State == ServiceState.UserspaceReq, KvpDaemon.Bound));

        d.Device.Restart();
        Assert.True(inFlight.Wait(KvpDaemon.Bound));
        Assert.Equal((HvStatus.E_FAIL, AnswerSource.HostRestart), (inFlight.Result.Status, inFlight.Result.Source!.Value));
        Assert.True(d.Sandbox.Continue());

        d.AssertRegistered(2);
        Assert.NotNull(d.Log.WaitFor(l => l.Message.StartsWith("read failed", StringComparison.Ordinal)
                                           || l.Message.StartsWith("write failed", StringComparison.Ordinal), KvpDaemon.Bound));
        var pool = d.EnumerateAll(KvpPoolId.Guest);
        Assert.Equal(Stored, pool.Take(2));
        Assert.True(pool.Count == 2 || (pool.Count == 3 && pool[2] == ("in-flight", "x")), string.Join(",", pool));
        d.AssertServes();
    }

    [SkippableFact]
    public void A_reply_after_the_kernel_timeout_is_refused_and_the_completed_SET_is_kept()
    {
        using var d = KvpDaemon.Start(Seeded());
        Assert.True(d.Sandbox.Stop());
        KvpReply r;
        using (d.Device.KernelTimeout(TimeSpan.FromMilliseconds(500)))
            r = d.Kvp.Set(KvpPoolId.Guest, "late", "applied");
        Assert.Equal((HvStatus.E_FAIL, AnswerSource.KernelTimeout), (r.Status, r.Source!.Value));
        Assert.True(d.Sandbox.Continue());

        Assert.True(d.Device.WaitForEvent("write rejected: EINVAL", KvpDaemon.Bound), d.Describe());
        d.AssertRegistered(2);
        d.AssertOneLine("write failed; error: 22 ");
        Assert.Equal([.. Stored, ("late", "applied")], d.EnumerateAll(KvpPoolId.Guest));
        d.AssertServes();
    }

    [SkippableFact]
    public void SIGTERM_during_a_lock_wait_ends_it_at_once_answers_E_FAIL_and_exits_0_with_the_pool_intact()
    {
        using var d = KvpDaemon.Start(Seeded());
        Task<KvpReply> set;
        using (var holder = new LockHolder(d.PoolPath(1), "flock"))
        {
            // The daemon reads the request and waits for the pool's lock inside the operation.
            set = d.Kvp.SetAsync(KvpPoolId.Guest, "during-term", "never");
            // (the registration reply was the first message the daemon read; the SET is the second)
            Assert.True(d.Device.WaitUntil(s => s.History.Count(h => h == "daemon read 7432 B") >= 2, KvpDaemon.Bound), d.Describe());
            Assert.Null(d.Sandbox.WaitForExit(TimeSpan.FromMilliseconds(300)));   // still waiting
            Assert.True(d.Sandbox.Terminate());
            Assert.Equal(0, d.Sandbox.WaitForExit(TimeSpan.FromSeconds(5)));      // not after the 10 s wait
            holder.Release();
        }
        Assert.True(set.Wait(KvpDaemon.Bound));
        Assert.Equal((HvStatus.E_FAIL, AnswerSource.Daemon), (set.Result.Status, set.Result.Source!.Value));
        Assert.NotNull(d.Log.WaitFor("stopping on SIGTERM", KvpDaemon.Bound));
        Assert.NotNull(d.Log.WaitFor("pool: 1: SET given up while another program holds the flock lock", KvpDaemon.Bound));
        byte[] file = File.ReadAllBytes(d.PoolPath(1));
        Assert.Equal(Stored, PoolRecords.Decode(file));
        Assert.Equal(2 * PoolRecords.Size, file.Length);
    }

    [SkippableFact]
    public void Two_daemons_started_at_once_one_serves_the_other_exits_nonzero_with_a_clear_line()
    {
        string shared = Directory.CreateTempSubdirectory("hvbb-pools-").FullName;
        try
        {
            File.WriteAllBytes(Path.Combine(shared, ".kvp_pool_1"), PoolRecords.Encode(Stored));
            SandboxSpec Spec()
            {
                var spec = KvpDaemon.Spec();
                spec.Mounts.RemoveAll(m => m.Target == KvpDaemon.PoolDir);
                spec.Mounts.Add(new SandboxMount.Bind(KvpDaemon.PoolDir, shared));
                return spec;
            }
            var host = new SimHost();
            using Sandbox a = Sandbox.Start(host, Spec());
            using Sandbox b = Sandbox.Start(host, Spec());

            Assert.True(host.Kernel.Kvp.WaitRegistrations(1, KvpDaemon.Bound), a.Describe() + b.Describe());
            Sandbox loser = WaitForOneExit(a, b);
            Sandbox winner = loser == a ? b : a;
            Assert.NotEqual(0, loser.ExitCode);
            Assert.NotNull(loser.Log.WaitFor("already holds the device", KvpDaemon.Bound));
            Assert.Null(winner.ExitCode);
            Assert.Equal(1, host.Kernel.Kvp.Registrations);

            Assert.Equal("second", host.Kvp.Get(KvpPoolId.Guest, "stored-2").Value);
            Assert.Equal(HvStatus.S_OK, host.Kvp.Set(KvpPoolId.Guest, "after", "race").Status);
            Assert.Equal([.. Stored, ("after", "race")], PoolRecords.Decode(File.ReadAllBytes(Path.Combine(shared, ".kvp_pool_1"))));
        }
        finally
        {
            Directory.Delete(shared, recursive: true);
        }
    }

    static Sandbox WaitForOneExit(Sandbox a, Sandbox b)
    {
        DateTime end = DateTime.UtcNow + KvpDaemon.Bound;
        while (DateTime.UtcNow < end)
        {
            if (a.WaitForExit(TimeSpan.FromMilliseconds(50)) is not null) return a;
            if (b.WaitForExit(TimeSpan.FromMilliseconds(50)) is not null) return b;
        }
        Assert.Fail("neither daemon exited:\n" + a.Describe() + b.Describe());
        return a;
    }

    [SkippableFact]
    public void Without_dev_log_the_daemon_logs_to_stderr_and_serves()
    {
        var spec = Seeded();
        spec.SetupLines.Add("umount /dev/log && rm /dev/log");
        using var d = KvpDaemon.Start(spec);
        d.AssertServes();
        d.Kvp.SendRaw(KvpHost.NewRawMessage(77, 0));
        Assert.True(WaitForOutput(d.Sandbox, "KVP: unknown operation 77"), d.Describe());
        Assert.Contains(d.Sandbox.Output, l => l.StartsWith("KVP: KVP starting; pid is:", StringComparison.Ordinal));
        Assert.Empty(d.Log.Lines);
        Assert.Equal(Stored, d.EnumerateAll(KvpPoolId.Guest));
    }

    static bool WaitForOutput(Sandbox sb, string text)
    {
        DateTime end = DateTime.UtcNow + KvpDaemon.Bound;
        while (DateTime.UtcNow < end)
        {
            if (sb.Output.Any(l => l.Contains(text, StringComparison.Ordinal))) return true;
            System.Threading.Thread.Sleep(20);
        }
        return false;
    }

    /// <summary>A syslog socket nobody reads fills after net.unix.max_dgram_qlen datagrams; a
    /// daemon that blocked in send() would stop answering. Ours sends with MSG_DONTWAIT.</summary>
    [SkippableFact]
    public void A_syslog_socket_that_is_never_read_does_not_stop_the_daemon()
    {
        string dir = Directory.CreateTempSubdirectory("hvbb-log-").FullName;
        string path = Path.Combine(dir, "stuck.sock");
        using var stuck = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        stuck.Bind(new UnixDomainSocketEndPoint(path));
        try
        {
            var spec = Seeded();
            spec.SetupLines.Add("umount /dev/log && mount --bind " + LaunchQuote(path) + " /dev/log");
            using var d = KvpDaemon.Start(spec);
            for (int i = 0; i < 300; i++)
            {
                // Each of these logs one error line.
                KvpReply r = d.Kvp.SendRaw(KvpHost.NewRawMessage(77, 0));
                Assert.True((HvStatus.E_FAIL, AnswerSource.Daemon) == (r.Status, r.Source), "request " + i + ": " + r);
            }
            d.AssertServes();
            Assert.Equal(Stored, d.EnumerateAll(KvpPoolId.Guest));
            Assert.Empty(d.Log.Lines);   // nothing reached the capture: /dev/log was the stuck socket

            // The queue holds what it could: the start line first.
            stuck.Blocking = false;
            byte[] buf = new byte[4096];
            int n = stuck.Receive(buf);
            Assert.Contains("KVP starting; pid is:", System.Text.Encoding.UTF8.GetString(buf, 0, n));
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }

    static string LaunchQuote(string word) => "'" + word.Replace("'", "'\\''") + "'";
}
