using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Storms;

/// <summary>
/// The published VSS daemon under a storm of 12-byte messages with every op value except
/// FREEZE (the sandbox sees the machine's own filesystems; THAW without a freeze is harmless)
/// and garbage in the reserved and flags bytes; the simulated kernel forwards every op, as a
/// faulty kernel might. The daemon never exits, answers each with S_OK or E_FAIL, writes no
/// file, and answers HOT_BACKUP correctly afterwards.
/// </summary>
public sealed class VssStormTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public void Vss_daemon_survives_a_message_storm_without_freeze()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_vss_daemon");
        var host = new SimHost();
        host.Kernel.Vss.ForwardEveryOp = true;
        using Sandbox sb = Sandbox.Start(host, SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, "hv_vss_daemon"));
        Assert.True(host.Kernel.Vss.WaitReady(Bound), sb.Describe());

        int count = StormSettings.Count;
        var rng = new Random(StormSettings.Seed);
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        var ops = new HashSet<byte>();
        int byDaemon = 0;
        double slowestMs = 0;
        string slowest = "";
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            byte[] m = new byte[VssLayout.MessageSize];
            switch (rng.Next(4))
            {
                case 0: m[0] = (byte)(i % 256); break;             // every op value in turn, rest zero
                case 1: rng.NextBytes(m); break;                    // noise
                case 2: m[0] = (byte)rng.Next(VssOp.Count + 2); rng.NextBytes(m.AsSpan(1)); break;
                default: m[0] = VssOp.Thaw; m[VssLayout.Flags] = (byte)rng.Next(256); break;
            }
            if (m[0] == VssOp.Freeze) m[0] = VssOp.Thaw;   // never FREEZE outside a pivoted zram root
            ops.Add(m[0]);
            long started = Stopwatch.GetTimestamp();
            var task = host.Kernel.Vss.SubmitRaw(m);
            if (!task.Wait(Bound)) Assert.Fail($"message {i} (op {m[0]}) got no answer\n{sb.Describe()}");
            double ms = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            if (ms > slowestMs) (slowestMs, slowest) = (ms, $"op {m[0]} ({Convert.ToHexString(m)}) {ms:0} ms");
            DeviceAnswer a = task.Result;
            if (a.Source != AnswerSource.Daemon) Assert.Fail($"message {i} (op {m[0]}) answered by {a.Source}\n{sb.Describe()}");
            Assert.True(a.Status is HvStatus.S_OK or HvStatus.E_FAIL, $"message {i} (op {m[0]}): undefined status 0x{a.Status:X8}");
            byDaemon++;
            string name = HvStatus.Name(a.Status);
            statuses[name] = statuses.GetValueOrDefault(name) + 1;
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.Null(sb.ExitCode);

        VssReply backup = host.Vss.HotBackup();
        bool after = backup.Status == HvStatus.S_OK && backup.Source == AnswerSource.Daemon;
        var unexpected = StormChecks.UnexpectedFiles(sb);
        bool crashedOutput = StormChecks.CrashedOutput(sb);

        StormSettings.WriteFigures("hv_vss_daemon",
            ("messages", count), ("seconds", seconds.ToString("0.0")), ("rate", (count / seconds).ToString("0")),
            ("answered", byDaemon), ("statuses", string.Join(", ", statuses.Select(s => s.Key + " " + s.Value)) + $" ({ops.Count} op values)"),
            ("exited", sb.ExitCode is null ? "no" : "yes"), ("unexpected files", unexpected.Count == 0 ? "none" : string.Join(" ", unexpected)),
            ("after", after ? "yes" : "no"), ("data lost", 0), ("slowest", slowest));
        Assert.True(after, "HOT_BACKUP after the storm: " + backup);
        Assert.Empty(unexpected);
        Assert.DoesNotContain(VssOp.Freeze, ops);
        Assert.False(crashedOutput, string.Join("\n", sb.Output));
        Assert.Null(sb.ExitCode);
    }
}
