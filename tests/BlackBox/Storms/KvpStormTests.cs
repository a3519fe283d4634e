using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using HvDaemons.Testing.Pools;
using Xunit;

namespace HvDaemons.BlackBox.Storms;

/// <summary>
/// The published KVP daemon under a storm of random and mutated messages through the
/// simulated device: it never exits, answers every message itself with a defined status,
/// loses no acknowledged record, writes only its pool files (and the two SET_IP_INFO files
/// for the one fake adapter), and still serves a correct request afterwards.
/// </summary>
public sealed class KvpStormTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    static readonly HashSet<uint> Defined = [HvStatus.S_OK, HvStatus.E_FAIL, HvStatus.S_CONT, HvStatus.INVALIDARG, HvStatus.GUID_NOTFOUND];

    [SkippableFact]
    public void Kvp_daemon_survives_a_message_storm()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_kvp_daemon");
        var host = new SimHost();
        SandboxSpec spec = SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, "hv_kvp_daemon");
        spec.Mounts.Add(new SandboxMount.HostDir("/sys/class/net"));
        spec.SetupLines.Add("mkdir -p /sys/class/net/fz0/device");
        spec.SetupLines.Add("echo 00:15:5d:aa:bb:cc > /sys/class/net/fz0/address");
        spec.SetupLines.Add("echo '" + KvpStormMessages.DeviceId + "' > /sys/class/net/fz0/device/device_id");
        spec.SetupLines.Add("echo 9 > /sys/class/net/fz0/ifindex");
        using Sandbox sb = Sandbox.Start(host, spec);
        Assert.True(host.Kernel.Kvp.WaitReady(Bound), sb.Describe());

        int count = StormSettings.Count;
        var gen = new KvpStormMessages(new Random(StormSettings.Seed));
        var models = Enumerable.Range(0, KvpPoolId.Count).Select(_ => new PoolModel()).ToArray();
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        int byDaemon = 0;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            byte[] m = gen.Next();
            var task = host.Kernel.Kvp.Submit((byte[])m.Clone());
            if (!task.Wait(Bound)) Assert.Fail($"message {i} (op {m[0]}) got no answer\n{sb.Describe()}");
            DeviceAnswer a = task.Result;
            if (a.Source != AnswerSource.Daemon) Assert.Fail($"message {i} (op {m[0]}) answered by {a.Source}, not the daemon\n{sb.Describe()}");
            Assert.True(Defined.Contains(a.Status), $"message {i} (op {m[0]}): undefined status 0x{a.Status:X8}");
            byDaemon++;
            string name = HvStatus.Name(a.Status);
            statuses[name] = statuses.GetValueOrDefault(name) + 1;
            Track(models, m, a.Status);
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.Null(sb.ExitCode);

        // A correct request still gets a correct answer.
        KvpReply set = host.Kvp.Set(KvpPoolId.Guest, "after-the-storm", "still-here");
        KvpReply get = host.Kvp.Get(KvpPoolId.Guest, "after-the-storm");
        bool after = set.Ok && get.Ok && get.Value == "still-here";
        Assert.True(after, $"after the storm: SET {set}, GET {get}");
        models[KvpPoolId.Guest].Set("after-the-storm"u8, "still-here"u8);

        string pools = sb.HostPath("/var/lib/hyperv");
        int lost = 0;
        for (int p = 0; p < KvpPoolId.Count; p++) lost += models[p].Lost(Path.Combine(pools, ".kvp_pool_" + p));
        var allowed = new HashSet<string>(Enumerable.Range(0, KvpPoolId.Count).Select(p => ".kvp_pool_" + p)) { "ifcfg-fz0", "fz0.nmconnection" };
        var unexpected = StormChecks.UnexpectedFiles(sb, allowed);
        foreach (string cfg in new[] { "ifcfg-fz0", "fz0.nmconnection" })
        {
            string path = Path.Combine(pools, cfg);
            if (File.Exists(path)) Assert.DoesNotContain(File.ReadAllText(path), c => c is '"' or '$' or '`' or '\\' or ';' or '\r');
        }
        bool crashedOutput = StormChecks.CrashedOutput(sb);

        StormSettings.WriteFigures("hv_kvp_daemon",
            ("messages", count), ("seconds", seconds.ToString("0.0")), ("rate", (count / seconds).ToString("0")),
            ("answered", byDaemon), ("statuses", string.Join(", ", statuses.Select(s => s.Key + " " + s.Value))),
            ("exited", sb.ExitCode is null ? "no" : "yes"), ("unexpected files", unexpected.Count == 0 ? "none" : string.Join(" ", unexpected)),
            ("after", after ? "yes" : "no"), ("data lost", lost));
        Assert.Equal(0, lost);
        Assert.Empty(unexpected);
        Assert.False(crashedOutput, string.Join("\n", sb.Output));
        Assert.Null(sb.ExitCode);
    }

    /// <summary>What an acknowledged SET or DELETE did to the pool, by the request's own size fields.</summary>
    static void Track(PoolModel[] models, byte[] m, uint status)
    {
        byte op = m[KvpLayout.Operation], pool = m[KvpLayout.Pool];
        if (status != HvStatus.S_OK || pool >= KvpPoolId.Count) return;
        if (op == KvpOp.Set)
        {
            int k = (int)BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(KvpLayout.KeySize)) - 1;
            int v = (int)BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(KvpLayout.ValueSize)) - 1;
            models[pool].Set(m.AsSpan(KvpLayout.Key, k), m.AsSpan(KvpLayout.Value, v));
        }
        else if (op == KvpOp.Delete)
        {
            int k = (int)BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(KvpLayout.DeleteKeySize)) - 1;
            models[pool].Delete(m.AsSpan(KvpLayout.DeleteKey, k));
        }
    }
}
