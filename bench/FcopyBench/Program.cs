using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Bench;
using HvDaemons.HostSim;

// Usage: FcopyBench [bin-dir] [size-MiB ...]   (default out/linux-x64, 256 and 1024 MiB)
string binDir = Path.GetFullPath(args.Length > 0 ? args[0] : "out/linux-x64");
var sizes = new List<long>();
for (int i = 1; i < args.Length; i++) sizes.Add(long.Parse(args[i]) << 20);
if (sizes.Count == 0) sizes.AddRange([256L << 20, 1024L << 20]);

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
    // Files land on a tmpfs mounted in the daemon's namespace over this (empty, real) directory.
    string target = Directory.CreateDirectory(Path.Combine(work, "target")).FullName;
    var content = new BenchContent(seed: 42);
    Dictionary<long, byte[]> expected = content.Sha256OfPrefixes(sizes);

    var transports = new (string Name, Func<long, IFcopyTransport> Start)[]
    {
        ("char device (FUSE /dev/vmbus/hv_fcopy)", tmpfs => new CharDeviceTransport(binDir, target, tmpfs)),
        ("uio (simulated /dev/uio0 ring)", tmpfs => new UioTransport(binDir, work, target, tmpfs)),
    };

    Console.WriteLine($"fcopy throughput of {binary} against the simulated host");
    Console.WriteLine("(6144-byte WRITE fragments, one request in flight, target a tmpfs; MB = 10^6 bytes)");
    Console.WriteLine();
    Console.WriteLine("| transport | size | wall (s) | MB/s | daemon CPU (s) | host sim CPU (s) | SHA-256 |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---|");
    int failures = 0;
    foreach (var (name, start) in transports)
    {
        foreach (long size in sizes)
        {
            string label = $"| {name} | {size >> 20} MiB |";
            IFcopyTransport? t = null;
            try
            {
                t = start(size + (64L << 20));
                CopyFigures f = CopyRun.Run(t, content, size, expected[size], target);
                int? exit = t.Stop();
                Console.WriteLine($"{label} {f.Wall.TotalSeconds:F2} | {f.MegabytesPerSecond:F1} | {f.DaemonCpu.TotalSeconds:F2} | {f.HostCpu.TotalSeconds:F2} | {(f.ChecksumOk ? "checksum ok" : "CHECKSUM MISMATCH")} |");
                if (!f.ChecksumOk) failures++;
                if (exit != 0)
                {
                    Console.Error.WriteLine($"{name}: daemon exit status {exit?.ToString() ?? "none (still running)"} after SIGTERM\n{t.Describe()}");
                    failures++;
                }
            }
            catch (Exception e) when (e is InvalidOperationException or TimeoutException or IOException)
            {
                Console.WriteLine($"{label} - | - | - | - | FAILED: {e.Message.Split('\n')[0]} |");
                Console.Error.WriteLine(e.Message + (t is null ? "" : "\n" + t.Describe()));
                failures++;
            }
            finally
            {
                t?.Dispose();
            }
        }
    }
    Console.WriteLine();
    Console.WriteLine("daemon CPU = utime+stime of the daemon process during the copy (/proc/PID/stat); host sim CPU = this");
    Console.WriteLine("process (the simulated host and kernel, incl. the FUSE server) over the same span. No targets asserted.");
    return failures == 0 ? 0 : 1;
}
finally
{
    Directory.Delete(work, recursive: true);
}
