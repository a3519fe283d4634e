using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using HvDaemons.Bench;
using HvDaemons.HostSim;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;

// Usage: StartupBench <bin-dir> [runs] [NAME=VALUE ...]
// NAME=VALUE pairs go into the daemons' environment: runtime settings (DOTNET_GCgen0size=...)
// measured without a rebuild before one is baked into the build (docs/kvp.md).
string binDir = Path.GetFullPath(args.Length > 0 ? args[0] : "out/linux-x64");
int runs = args.Length > 1 ? int.Parse(args[1]) : 30;
var environment = args.Skip(2).Select(a => a.Split('=', 2)).ToList();
if (SandboxSupport.WhyUnavailable() is string why)
{
    Console.WriteLine("startup bench skipped: " + why);
    return 0;
}

string work = Directory.CreateTempSubdirectory("hvd-startbench-").FullName;
try
{
    string stamp = ExecStamp.Build(work);
    Console.WriteLine($"Start-up and idle cost of the published daemons ({binDir}), {runs} runs each" +
                      (environment.Count > 0 ? ", environment " + string.Join(" ", args.Skip(2)) : ""));
    Console.WriteLine();
    Console.WriteLine("| daemon | size (bytes) | exec -> registered, median (ms) | min / p90 (ms) | idle RSS (kB) | anon RSS (kB) | threads |");
    Console.WriteLine("|---|---:|---:|---:|---:|---:|---:|");
    foreach (string name in new[] { "hv_kvp_daemon", "hv_vss_daemon", "hv_fcopy_daemon" })
    {
        var latencies = new List<double>();
        ProcStatus idle = default;
        for (int i = 0; i < runs; i++)
        {
            string stampFile = Path.Combine(work, "stamp");
            File.Delete(stampFile);
            var host = new SimHost(new SimKernelOptions());
            SimService service = name switch
            {
                "hv_kvp_daemon" => host.Kernel.Kvp,
                "hv_vss_daemon" => host.Kernel.Vss,
                _ => host.Kernel.Fcopy,
            };
            long readyAt = 0;
            service.Event += line => { if (line.EndsWith("-> Ready", StringComparison.Ordinal)) Interlocked.CompareExchange(ref readyAt, ExecStamp.NowNs(), 0); };
            var spec = SandboxSpec.ForDaemon(binDir, name);
            spec.ExecPrefix.AddRange([stamp, stampFile]);
            foreach (string[] pair in environment) spec.Environment[pair[0]] = pair[1];
            using (Sandbox sb = Sandbox.Start(host, spec))
            {
                if (!service.WaitReady(TimeSpan.FromSeconds(20)))
                {
                    Console.WriteLine($"{name}: did not register\n{sb.Describe()}");
                    return 1;
                }
                long started = long.Parse(File.ReadAllText(stampFile).Trim());
                latencies.Add((Interlocked.Read(ref readyAt) - started) / 1e6);
                if (i == runs - 1)
                {
                    Thread.Sleep(500);   // let start-up garbage settle before reading idle figures
                    idle = ProcStatus.Read(sb.Pid);
                }
                sb.Terminate();
                sb.WaitForExit(TimeSpan.FromSeconds(10));
            }
        }
        latencies.Sort();
        double median = latencies[latencies.Count / 2];
        double p90 = latencies[(int)(latencies.Count * 0.9)];
        long size = new FileInfo(Path.Combine(binDir, name)).Length;
        Console.WriteLine($"| {name} | {size} | {median:F2} | {latencies[0]:F2} / {p90:F2} | {idle.RssKb} | {idle.AnonKb} | {idle.Threads} |");
    }
    Console.WriteLine();
    Console.WriteLine("Targets (issue 9): median <= 5 ms, idle RSS <= 5 MB, anon RSS <= 1 MB, size <= 2.6 MB.");
    return 0;
}
finally
{
    Directory.Delete(work, recursive: true);
}
