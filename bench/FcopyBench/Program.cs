using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HvDaemons.Bench;
using HvDaemons.HostSim;

// Usage: FcopyBench [bin-dir] [size-MiB ...]   (default out/linux-x64, 128 and 512 MiB)
// Over the char device, our daemon and the plain C yardstick (bench/Floor/plain_fcopy.c: one
// read, one pwrite, one write per fragment, fsync on COMPLETE) copy the same files in one run.
string binDir = Path.GetFullPath(args.Length > 0 ? args[0] : "out/linux-x64");
var sizes = new List<long>();
for (int i = 1; i < args.Length; i++) sizes.Add(long.Parse(args[i]) << 20);
if (sizes.Count == 0) sizes.AddRange([128L << 20, 512L << 20]);
const long TracedBytes = 16L << 20;

if (SandboxSupport.WhyUnavailable() is string why)
{
    Console.WriteLine("fcopy bench skipped: sandboxes are unavailable here: " + why);
    return 0;
}
string binary = Path.Combine(binDir, "hv_fcopy_daemon");
if (!File.Exists(binary))
{
    Console.WriteLine($"fcopy bench: {binary} missing (run ./build.sh first)");
    return 1;
}

string work = Directory.CreateTempSubdirectory("hvd-fcopybench-").FullName;
try
{
    string? yardstick = FloorProgram.Build("plain_fcopy.c", work);
    if (yardstick is null) return 1;
    // Files land on a tmpfs mounted in the daemon's namespace over this (empty, real) directory.
    string target = Directory.CreateDirectory(Path.Combine(work, "target")).FullName;
    var content = new BenchContent(seed: 42);
    Dictionary<long, byte[]> expected = content.Sha256OfPrefixes(sizes.Append(TracedBytes).Distinct().Order().ToList());

    var responders = new (string Name, bool Ours, Func<long, IFcopyTransport> Start)[]
    {
        ("char device, plain C", false, tmpfs => new CharDeviceTransport(yardstick, daemonFlags: false, target, tmpfs)),
        ("char device, ours", true, tmpfs => new CharDeviceTransport(binary, daemonFlags: true, target, tmpfs)),
        ("uio ring, ours", true, tmpfs => new UioTransport(binDir, work, target, tmpfs)),
    };

    Console.WriteLine($"fcopy of {binary} and the plain C yardstick against the simulated host");
    Console.WriteLine("(6144-byte WRITE fragments, one request in flight, target a tmpfs; MB = 10^6 bytes; CPU = the responder's");
    Console.WriteLine("threads' time on CPU; each size copied twice per responder, the copies alternating between responders;");
    Console.WriteLine("syscalls by strace -c over a separate 16 MiB copy; alloc as the daemon reports it)");
    Console.WriteLine();
    Console.WriteLine("| responder | size | wall (s) | MB/s | CPU (s) | CPU ms/MiB | syscalls/fragment | alloc B/fragment | SHA-256 |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|---:|---|");
    int failures = 0;
    var ratios = new List<string>();
    var breakdown = new List<string>();
    var running = new List<(string Name, bool Ours, IFcopyTransport T)>();
    try
    {
        foreach (var (name, ours, start) in responders) running.Add((name, ours, start(2 * sizes.Max() + (64L << 20))));
        var calls = new Dictionary<string, string>();
        foreach (var (name, _, t) in running)
        {
            using SyscallCount? sc = SyscallCount.Attach(t.DaemonPid);
            if (sc is null) { calls[name] = "-"; continue; }
            CopyRun.Run(t, content, TracedBytes, expected[TracedBytes], target);
            Dictionary<string, long> c = sc.Finish();
            double per = TracedBytes / 6144.0;
            calls[name] = c.TryGetValue("total", out long total) ? (total / per).ToString("F2") : "-";
            breakdown.Add($"  {name}: " + string.Join(", ", c.Where(kv => kv.Key != "total" && kv.Value / per >= 0.005)
                .OrderByDescending(kv => kv.Value).Select(kv => $"{kv.Key} {kv.Value / per:F2}")));
        }
        foreach (long size in sizes)
        {
            var sum = new CopyFigures[running.Count];
            var alloc0 = running.Select(r => r.T.AllocatedBytes()).ToArray();
            for (int rep = 0; rep < 2; rep++)
                for (int k = 0; k < running.Count; k++)
                {
                    CopyFigures f = CopyRun.Run(running[k].T, content, size, expected[size], target);
                    sum[k] = rep == 0 ? f : sum[k] + f;
                }
            System.Threading.Thread.Sleep(200);   // the last log lines reach the bench
            for (int k = 0; k < running.Count; k++)
            {
                var (name, ours, t) = running[k];
                CopyFigures f = sum[k];
                long fragments = 2 * ((size + 6143) / 6144);
                string alloc = ours ? ((double)(t.AllocatedBytes() - alloc0[k]) / fragments).ToString("F1") : "-";
                Console.WriteLine($"| {name} | {size >> 20} MiB | {f.Wall.TotalSeconds:F2} | {f.MegabytesPerSecond:F1} | {f.DaemonCpu.TotalSeconds:F2} | {f.DaemonCpu.TotalMilliseconds / (f.Bytes >> 20):F2} | {calls[name]} | {alloc} | {(f.ChecksumOk ? "ok" : "MISMATCH")} |");
                if (!f.ChecksumOk) failures++;
            }
            CopyFigures p = sum[0], o = sum[1];
            ratios.Add($"  {size >> 20} MiB: MB/s ours / plain C {o.MegabytesPerSecond / p.MegabytesPerSecond:F2}×, CPU per MiB ours / plain C {o.DaemonCpu / p.DaemonCpu:F2}×");
        }
        foreach (var (name, ours, t) in running)
        {
            int? exit = t.Stop();
            if (ours && exit != 0)
            {
                Console.Error.WriteLine($"{name}: daemon exit status {exit?.ToString() ?? "none (still running)"} after SIGTERM\n{t.Describe()}");
                failures++;
            }
        }
    }
    catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
    {
        Console.WriteLine($"| - | - | - | - | - | - | - | - | FAILED: {e.Message.Split('\n')[0]} |");
        Console.Error.WriteLine(e.Message + string.Concat(running.Select(r => "\n" + r.T.Describe())));
        failures++;
    }
    finally
    {
        foreach (var r in running) r.T.Dispose();
    }
    Console.WriteLine();
    Console.WriteLine("char device, same run:");
    foreach (string r in ratios) Console.WriteLine(r);
    Console.WriteLine("syscalls per fragment, by name:");
    foreach (string b in breakdown) Console.WriteLine(b);
    Console.WriteLine("No targets asserted.");
    return failures == 0 ? 0 : 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}
