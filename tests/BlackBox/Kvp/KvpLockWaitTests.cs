using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Threading.Tasks;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// Another program holding both lock kinds of a pool forever (a stuck cloud-init or an
/// admin's script): the host still gets the daemon's own failure reply well before the
/// kernel's 30 s, one line names the holder, the next request after the release is served,
/// SIGTERM ends a wait at once, and a restarted daemon finds the pool intact.
/// </summary>
public sealed class KvpLockWaitTests
{
    static readonly (string, string)[] Stored = [("stored-1", "first"), ("stored-2", "second")];

    [SkippableFact]
    public void A_pool_locked_forever_costs_a_failure_reply_within_30_s_not_the_daemon()
    {
        string shared = SharedPools.Create(Stored);
        try
        {
            var host = new SimHost();
            using (var d = KvpDaemon.Start(SharedPools.Spec(shared), host: host))
            {
                using (var holder = new LockHolder(Path.Combine(shared, ".kvp_pool_1"), "both"))
                {
                    var sw = Stopwatch.StartNew();
                    KvpReply r = d.Kvp.Set(KvpPoolId.Guest, "while-locked", "never", TimeSpan.FromSeconds(40));
                    Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), "reply after " + sw.Elapsed);
                    Assert.Equal((HvStatus.E_FAIL, AnswerSource.Daemon), (r.Status, r.Source!.Value));
                    SyslogLine line = d.AssertOneLine("Timed out acquiring the lock pool: 1");
                    Assert.Contains(KvpDaemon.PoolDir + "/.kvp_pool_1 has its flock lock held by pid " + holder.Pid + " ", line.Message);
                    holder.Release();
                }
                Assert.Equal(HvStatus.S_OK, d.Kvp.Set(KvpPoolId.Guest, "after-release", "served").Status);

                using (var holder = new LockHolder(Path.Combine(shared, ".kvp_pool_1"), "both"))
                {
                    int reads = d.Device.History.Count(h => h == "daemon read 7432 B");
                    Task<KvpReply> waiting = d.Kvp.SetAsync(KvpPoolId.Guest, "during-term", "never");
                    Assert.True(d.Device.WaitUntil(s => s.History.Count(h => h == "daemon read 7432 B") > reads, KvpDaemon.Bound), d.Describe());
                    Assert.Null(d.Sandbox.WaitForExit(TimeSpan.FromMilliseconds(300)));   // waiting for the lock
                    var sw = Stopwatch.StartNew();
                    Assert.True(d.Sandbox.Terminate());
                    Assert.Equal(0, d.Sandbox.WaitForExit(NotDeaf));
                    Assert.True(sw.Elapsed < NotDeaf, "stopped after " + sw.Elapsed);
                    Assert.True(waiting.Wait(KvpDaemon.Bound));
                    Assert.Equal(HvStatus.E_FAIL, waiting.Result.Status);
                    Assert.NotNull(d.Log.WaitFor("stopping on SIGTERM", KvpDaemon.Bound));
                    holder.Release();
                }
            }
            Assert.True(host.Kernel.Kvp.WaitClosed(KvpDaemon.Bound));
            using var again = KvpDaemon.Start(SharedPools.Spec(shared), host: host);
            byte[] file = File.ReadAllBytes(Path.Combine(shared, ".kvp_pool_1"));
            Assert.Equal(3 * PoolRecords.Size, file.Length);
            Assert.Equal([.. Stored, ("after-release", "served")], PoolRecords.Decode(file));
            Assert.Equal([.. Stored, ("after-release", "served")], again.EnumerateAll(KvpPoolId.Guest));
            again.AssertServes();
        }
        finally { Directory.Delete(shared, recursive: true); }
    }

    // A daemon deaf to SIGTERM would stop only after the 10 s lock deadline (or never, for the
    // 300 s script); it stops in milliseconds when it hears it. 5 s tells the two apart on a
    // loaded machine without turning a slow exit into a failure.
    static readonly TimeSpan NotDeaf = TimeSpan.FromSeconds(5);

    const string Guid = "{f8615163-df3e-46c5-913f-f2d2f965ed0e}";
    const string Scripts = "/usr/libexec/hypervkvpd";

    [SkippableFact]
    public void SIGTERM_while_hv_set_ifconfig_runs_kills_its_process_group_and_the_daemon_exits_at_once()
    {
        var spec = KvpDaemon.Spec();
        spec.Mounts.Add(new SandboxMount.HostDir("/sys/class/net"));
        spec.WithFile("/sys/class/net/eth0/address", "00:15:5d:01:02:03\n")
            .WithFile("/sys/class/net/eth0/device/device_id", Guid + "\n")
            .WithFile(Scripts + "/hv_set_ifconfig", "#!/bin/sh\nsleep 300 &\necho $$ $! > " + Scripts + "/pids.tmp\nmv " + Scripts + "/pids.tmp " + Scripts + "/pids\nwait\n",
                      (UnixFileMode)0x1ed);
        using var d = KvpDaemon.Start(spec);
        Task<KvpReply> set = d.Kvp.SetIpInfoAsync(new KvpIpInfo(Guid, AddrFamily.IPv4, false, "10.0.0.5", "255.255.255.0", "10.0.0.1", "8.8.8.8"));
        string pids = d.Sandbox.HostPath(Scripts + "/pids");
        var wait = Stopwatch.StartNew();
        while (!File.Exists(pids) && wait.Elapsed < KvpDaemon.Bound) System.Threading.Thread.Sleep(20);
        Assert.True(File.Exists(pids), "hv_set_ifconfig did not start\n" + d.Describe());

        var sw = Stopwatch.StartNew();
        Assert.True(d.Sandbox.Terminate());
        Assert.Equal(0, d.Sandbox.WaitForExit(NotDeaf));
        Assert.True(sw.Elapsed < NotDeaf, "stopped after " + sw.Elapsed);
        Assert.True(set.Wait(KvpDaemon.Bound));
        Assert.Equal((HvStatus.E_FAIL, AnswerSource.Daemon), (set.Result.Status, set.Result.Source!.Value));
        d.AssertOneLine("killed because the daemon is stopping");
        foreach (string pid in File.ReadAllText(pids).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Assert.True(Gone(int.Parse(pid)), "process " + pid + " of hv_set_ifconfig's group survived the daemon");
    }

    /// <summary>No such process, or only a zombie waiting to be reaped by its new parent.</summary>
    static bool Gone(int pid)
    {
        for (int i = 0; i < 100; i++)
        {
            try
            {
                string s = File.ReadAllText("/proc/" + pid + "/stat");
                if (s[(s.LastIndexOf(')') + 2)..].StartsWith('Z')) return true;
            }
            catch (IOException) { return true; }
            System.Threading.Thread.Sleep(20);
        }
        return false;
    }
}

/// <summary>A pool directory outside any one sandbox, bound into each, so a restarted daemon
/// sees what the previous one left.</summary>
internal static class SharedPools
{
    public static string Create(params (string, string)[] pool1)
    {
        string shared = Directory.CreateTempSubdirectory("hvbb-pools-").FullName;
        File.WriteAllBytes(Path.Combine(shared, ".kvp_pool_1"), PoolRecords.Encode(pool1));
        return shared;
    }

    public static SandboxSpec Spec(string shared)
    {
        var spec = KvpDaemon.Spec();
        spec.Mounts.RemoveAll(m => m.Target == KvpDaemon.PoolDir);
        spec.Mounts.Add(new SandboxMount.Bind(KvpDaemon.PoolDir, shared));
        return spec;
    }
}
