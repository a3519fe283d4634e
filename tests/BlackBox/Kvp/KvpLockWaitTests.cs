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
                    Assert.Equal(0, d.Sandbox.WaitForExit(TimeSpan.FromSeconds(2)));
                    Assert.True(sw.Elapsed < TimeSpan.FromSeconds(2), "stopped after " + sw.Elapsed);
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
