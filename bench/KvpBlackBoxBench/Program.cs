using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using HvDaemons.Bench;
using HvDaemons.HostSim;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;

// KvpBlackBoxBench [--bin DIR]: the published daemon against the simulated host. CPU time is
// the daemon's own (utime+stime of its pid), so the simulator's cost is excluded; wall time
// includes the FUSE round trips. Figures only, no pass/fail.
if (SandboxSupport.WhyUnavailable() is string why)
{
    Console.Error.WriteLine("KvpBlackBoxBench needs what the black-box tests need: " + why);
    return 2;
}
string bin = args.Length == 2 && args[0] == "--bin" ? Path.GetFullPath(args[1])
    : Environment.GetEnvironmentVariable("HV_BIN_DIR") is { Length: > 0 } d ? Path.GetFullPath(d) : Path.Combine(Paths.RepoRoot(), "out", "linux-x64");
if (!File.Exists(Path.Combine(bin, "hv_kvp_daemon")))
{
    Console.Error.WriteLine(Path.Combine(bin, "hv_kvp_daemon") + " is missing: run ./build.sh first (or pass --bin DIR)");
    return 1;
}
Console.WriteLine("hv_kvp_daemon from " + bin + " (" + new FileInfo(Path.Combine(bin, "hv_kvp_daemon")).Length + " bytes)");
Console.WriteLine();
Console.WriteLine($"{"records",8} {"operation",-22} {"wall ms",10} {"daemon CPU ms",14} {"wall µs/op",11}");
foreach (int n in new[] { 10, 500, 5000 })
{
    using var run = BenchDaemon.Start(bin, n);
    run.Measure("full ENUMERATE", n + 1, i => run.Host.Kvp.Enumerate(KvpPoolId.External, (uint)i));
    var rnd = new Random(1);
    run.Measure("500 GET", 500, _ => run.Host.Kvp.Get(KvpPoolId.External, BenchDaemon.Key(rnd.Next(n))));
    run.Measure("500 SET (update)", 500, i => run.Host.Kvp.Set(KvpPoolId.External, BenchDaemon.Key(rnd.Next(n)), "updated-" + i));
    run.Measure("500 SET (append)", 500, i => run.Host.Kvp.Set(KvpPoolId.External, "new-" + i, "appended-" + i));
}
Console.WriteLine();
using (var run = BenchDaemon.Start(bin, 5000))
{
    var rnd = new Random(2);
    long start = run.RssKb();
    // Warm-up: the daemon's gen0 budget is 4 MiB (cmd/kvp), so its heap fills once over the
    // first ~40,000 requests before the first collection; after that RSS must stay flat.
    for (int i = 0; i < 40_000; i++) run.MixedOp(rnd, i);
    Console.WriteLine($"RSS at start {start} kB; after a 40,000-op warm-up {run.RssKb()} kB");
    for (int round = 1; round <= Rounds(); round++)
    {
        var sw = Stopwatch.StartNew();
        for (int i = 0; i < 10_000; i++) run.MixedOp(rnd, i);
        Console.WriteLine($"RSS after {round * 10_000,6} more mixed KVP ops on 5,000 records: {run.RssKb(),7} kB ({sw.ElapsedMilliseconds} ms)");
    }
}
return 0;

// Two rounds as specified; HV_BENCH_RSS_ROUNDS=N shows whether RSS settles over more.
static int Rounds() => int.TryParse(Environment.GetEnvironmentVariable("HV_BENCH_RSS_ROUNDS"), out int n) && n > 0 ? n : 2;

namespace HvDaemons.Bench
{
    static class Paths
    {
        public static string RepoRoot()
        {
            for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
                if (File.Exists(Path.Combine(dir, "HvDaemons.sln"))) return dir;
            return Directory.GetCurrentDirectory();
        }
    }

    /// <summary>One daemon with pool 0 seeded with <c>n</c> records.</summary>
    sealed class BenchDaemon : IDisposable
    {
        readonly Sandbox _sandbox;
        readonly int _records;
        static readonly long Hz = 100;   // USER_HZ: /proc reports CPU time in 1/100 s on Linux

        BenchDaemon(SimHost host, Sandbox sandbox, int records)
        {
            Host = host;
            _sandbox = sandbox;
            _records = records;
        }

        public SimHost Host { get; }

        public static string Key(int i) => "key-" + i;

        public static BenchDaemon Start(string bin, int records)
        {
            byte[] pool = new byte[records * KvpLayout.PoolRecordSize];
            for (int i = 0; i < records; i++)
            {
                int at = i * KvpLayout.PoolRecordSize;
                Encoding.UTF8.GetBytes(Key(i), pool.AsSpan(at));
                Encoding.UTF8.GetBytes("value-" + i + "-" + new string('v', 100), pool.AsSpan(at + KvpLayout.PoolRecordValue));
            }
            var host = new SimHost();
            var spec = SandboxSpec.ForDaemon(bin, "hv_kvp_daemon").WithFile("/var/lib/hyperv/.kvp_pool_0", pool);
            var sb = Sandbox.Start(host, spec);
            if (!host.Kernel.Kvp.WaitReady(TimeSpan.FromSeconds(20)))
            {
                string why = sb.Describe();
                sb.Dispose();
                throw new InvalidOperationException("the daemon did not register:\n" + why);
            }
            host.Kvp.Enumerate(KvpPoolId.External, 0);   // warm-up: first load and JIT-free anyway
            return new BenchDaemon(host, sb, records);
        }

        public void Measure(string what, int count, Func<int, KvpReply> op)
        {
            long cpu0 = CpuMs();
            var sw = Stopwatch.StartNew();
            for (int i = 0; i < count; i++)
            {
                KvpReply r = op(i);
                if (r.Source != HostSim.Kernel.AnswerSource.Daemon) throw new InvalidOperationException(what + " #" + i + ": " + r);
            }
            sw.Stop();
            long cpu = CpuMs() - cpu0;
            Console.WriteLine($"{_records,8} {what,-22} {sw.Elapsed.TotalMilliseconds,10:F1} {cpu,14} {sw.Elapsed.TotalMilliseconds * 1000 / count,11:F0}");
        }

        public void MixedOp(Random rnd, int i)
        {
            KvpReply r = (i % 4) switch
            {
                0 => Host.Kvp.Get(KvpPoolId.External, Key(rnd.Next(_records))),
                1 => Host.Kvp.Set(KvpPoolId.External, Key(rnd.Next(_records)), "mixed-" + i),
                2 => Host.Kvp.Enumerate(KvpPoolId.External, (uint)rnd.Next(_records)),
                _ => i % 8 == 3 ? Host.Kvp.Set(KvpPoolId.Guest, "churn-" + (i % 64), "v" + i) : Host.Kvp.Delete(KvpPoolId.Guest, "churn-" + ((i - 4) % 64)),
            };
            if (r.Source != HostSim.Kernel.AnswerSource.Daemon) throw new InvalidOperationException("op " + i + ": " + r);
        }

        /// <summary>utime + stime of the daemon's pid, in milliseconds.</summary>
        long CpuMs()
        {
            string stat = File.ReadAllText("/proc/" + _sandbox.Pid + "/stat");
            string[] f = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After "pid (comm) ": field 3 is f[0]; utime is field 14, stime field 15.
            return (long.Parse(f[11]) + long.Parse(f[12])) * 1000 / Hz;
        }

        public long RssKb()
        {
            foreach (string line in File.ReadLines("/proc/" + _sandbox.Pid + "/status"))
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                    return long.Parse(line.AsSpan(6).Trim().ToString().Split(' ')[0]);
            return -1;
        }

        public void Dispose() => _sandbox.Dispose();
    }
}
