using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HvDaemons.Bench;
using HvDaemons.HostSim;
using HvDaemons.HostSim.Host;
using HvDaemons.Wire;

// KvpBlackBoxBench [--bin DIR]: the published hv_kvp_daemon and the floor (bench/Floor/null_kvp.c,
// which answers every request HV_S_OK doing nothing) side by side, through the same simulated
// device, in one run. Per op: the responder's own CPU, system calls, and (ours) managed bytes
// allocated; then RSS under a mixed load. Figures only, no pass/fail.
if (SandboxSupport.WhyUnavailable() is string why)
{
    Console.Error.WriteLine("KvpBlackBoxBench needs what the black-box tests need: " + why);
    return 2;
}
string bin = args.Length == 2 && args[0] == "--bin" ? Path.GetFullPath(args[1])
    : Environment.GetEnvironmentVariable("HV_BIN_DIR") is { Length: > 0 } d ? Path.GetFullPath(d) : Path.Combine(RepoPaths.Root(), "out", "linux-x64");
string ours = Path.Combine(bin, "hv_kvp_daemon");
if (!File.Exists(ours))
{
    Console.Error.WriteLine(ours + " is missing: run ./build.sh first (or pass --bin DIR)");
    return 1;
}
string scratch = Directory.CreateTempSubdirectory("hvd-kvpbench-").FullName;
try
{
    string? floor = FloorProgram.Build("null_kvp.c", scratch);
    if (floor is null) return 1;
    const int Records = 2000;
    Console.WriteLine($"hv_kvp_daemon from {bin} ({new FileInfo(ours).Length} bytes) vs the floor (null_kvp.c), pool 0 with {Records:N0} records");
    Console.WriteLine("CPU: the responder's threads' time on CPU (/proc/PID/task/*/schedstat), syscalls: strace -c in a separate pass,");
    Console.WriteLine("alloc: managed bytes per request as the daemon reports them (HV_BENCH_ALLOC=1).");
    Console.WriteLine();
    Console.WriteLine("| op | count | floor CPU µs/op | ours CPU µs/op | ours / floor | floor syscalls/op | ours syscalls/op | ours alloc B/op | ours wall µs/op |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    var breakdown = new List<string>();
    bool perOp = Environment.GetEnvironmentVariable("HV_BENCH_KVP_PARTS") != "rss";
    if (perOp)
    using (var f = Responder.Start("floor", floor, Records, daemonFlags: false))
    using (var o = Responder.Start("hv_kvp_daemon", ours, Records, daemonFlags: true))
    {
        var rnd = new Random(1);
        foreach (Scenario s in Scenario.All(Records))
        {
            // Slices alternate between the two, so a busy moment of the machine hits both alike.
            var cpu = new long[2];
            var wall = new double[2];
            long alloc0 = o.AllocatedBytes();
            const int Slices = 5;
            for (int slice = 0; slice < Slices; slice++)
                for (int who = 0; who < 2; who++)
                {
                    var (c, w) = Timed(who == 0 ? f : o, s, slice * s.Count / Slices, (slice + 1) * s.Count / Slices, new Random(slice));
                    cpu[who] += c;
                    wall[who] += w;
                }
            System.Threading.Thread.Sleep(200);   // the last log datagrams reach the capture
            double alloc = (double)(o.AllocatedBytes() - alloc0) / s.Count;
            var (fCalls, _) = Traced(f, s);
            var (oCalls, perName) = Traced(o, s);
            double fUs = cpu[0] / 1e3 / s.Count, oUs = cpu[1] / 1e3 / s.Count;
            Console.WriteLine($"| {s.Name} | {s.Count:N0} | {fUs:F1} | {oUs:F1} | {oUs / fUs:F2}× | {fCalls} | {oCalls} | {alloc:F0} | {wall[1] * 1000 / s.Count:F0} |");
            breakdown.Add($"  {s.Name}: {perName}");
        }
    }
    Console.WriteLine();
    if (perOp) Console.WriteLine("our syscalls per op, by name:");
    foreach (string line in breakdown) Console.WriteLine(line);
    Console.WriteLine();
    MixedLoad(floor, ours);
    return 0;
}
finally
{
    Directory.Delete(scratch, recursive: true);
}

// CPU (ns) and wall (ms) of requests from..to-1 of a scenario.
static (long Cpu, double Wall) Timed(Responder r, Scenario s, int from, int to, Random rnd)
{
    long cpu0 = TaskCpu.Ns(r.Pid);
    var wall = Stopwatch.StartNew();
    for (int i = from; i < to; i++) Check(r, s, s.Op(r.Host.Kvp, rnd, 0, i));
    return (TaskCpu.Ns(r.Pid) - cpu0, wall.Elapsed.TotalMilliseconds);
}

// Syscalls per op over a traced pass of the same op (tracing slows it: no CPU taken here).
static (string PerOp, string PerName) Traced(Responder r, Scenario s)
{
    int traced = Math.Min(s.Count, 200);
    var rnd = new Random(9);
    using SyscallCount? sc = SyscallCount.Attach(r.Pid);
    if (sc is null) return ("-", "strace unavailable");
    for (int i = 0; i < traced; i++) Check(r, s, s.Op(r.Host.Kvp, rnd, 1, i));
    Dictionary<string, long> c = sc.Finish();
    string perOp = c.TryGetValue("total", out long t) ? ((double)t / traced).ToString("F1") : "-";
    string perName = string.Join(", ", c.Where(kv => kv.Key != "total" && kv.Value * 100 >= traced).OrderByDescending(kv => kv.Value)
        .Select(kv => $"{kv.Key} {(double)kv.Value / traced:F2}"));
    return (perOp, perName);
}

static void Check(Responder r, Scenario s, KvpReply reply)
{
    if (reply.Source != HvDaemons.HostSim.Kernel.AnswerSource.Daemon)
        throw new InvalidOperationException($"{r.Name}, {s.Name}: {reply}");
}

// RSS of both responders over rounds of 10,000 mixed ops on a 500-key pool.
static void MixedLoad(string floor, string ours)
{
    const int Keys = 500;
    int rounds = int.TryParse(Environment.GetEnvironmentVariable("HV_BENCH_RSS_ROUNDS"), out int n) && n > 0 ? n : 10;
    using var f = Responder.Start("floor", floor, Keys, daemonFlags: false);
    using var o = Responder.Start("hv_kvp_daemon", ours, Keys, daemonFlags: true);
    var (idleRss, idleAnon, idleFile) = o.MemoryKb();
    long floorRss = f.MemoryKb().Rss;
    if (Environment.GetEnvironmentVariable("HV_BENCH_SMAPS") == "1") Console.WriteLine(File.ReadAllText($"/proc/{o.Pid}/smaps"));
    Console.WriteLine($"RSS under load: rounds of 10,000 mixed KVP ops (GET, SET, ENUMERATE, guest-pool SET/DELETE) on {Keys} keys");
    Console.WriteLine();
    Console.WriteLine("| after ops | floor RSS kB | ours RSS kB | ours anon kB | ours file kB | ours / floor (RSS) | ours allocated (bytes, total) |");
    Console.WriteLine("|---:|---:|---:|---:|---:|---:|---:|");
    Console.WriteLine($"| 0 (registered, loaded) | {floorRss} | {idleRss} | {idleAnon} | {idleFile} | {(double)idleRss / floorRss:F1}× | {o.AllocatedBytes()} |");
    var rnd = new Random(2);
    for (int round = 1; round <= rounds; round++)
    {
        for (int i = 0; i < 10_000; i++)
        {
            int k = rnd.Next(Keys), op = i % 8;
            Mixed(f, op, k, i);
            Mixed(o, op, k, i);
        }
        var (rss, anon, file) = o.MemoryKb();
        Console.WriteLine($"| {round * 10_000:N0} | {f.MemoryKb().Rss} | {rss} | {anon} | {file} | {(double)rss / f.MemoryKb().Rss:F1}× | {o.AllocatedBytes()} |");
    }
}

static void Mixed(Responder r, int op, int k, int i)
{
    KvpHost h = r.Host.Kvp;
    KvpReply reply = op switch
    {
        0 or 4 => h.Get(KvpPoolId.External, Responder.Key(k)),
        1 or 5 => h.Set(KvpPoolId.External, Responder.Key(k), "mixed-" + i),
        2 or 6 => h.Enumerate(KvpPoolId.External, (uint)k),
        3 => h.Set(KvpPoolId.Guest, "churn-" + (i % 64), "v" + i),
        _ => h.Delete(KvpPoolId.Guest, "churn-" + ((i - 4) % 64)),
    };
    if (reply.Source != HvDaemons.HostSim.Kernel.AnswerSource.Daemon) throw new InvalidOperationException($"{r.Name}, mixed op {i}: {reply}");
}

