using System;
using System.IO;
using System.Text;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;

namespace HvDaemons.Bench;

/// <summary>One KVP responder (our daemon or the floor) on its own simulated host, with pool
/// 0 seeded with <c>records</c> records.</summary>
sealed class Responder : IDisposable
{
    readonly Sandbox _sandbox;

    Responder(string name, SimHost host, Sandbox sandbox)
    {
        Name = name;
        Host = host;
        _sandbox = sandbox;
    }

    public string Name { get; }
    public SimHost Host { get; }
    public int Pid => _sandbox.Pid;

    public static string Key(int i) => "key-" + i;

    /// <param name="program">Absolute path of the executable.</param>
    public static Responder Start(string name, string program, int records, bool daemonFlags)
    {
        byte[] pool = new byte[records * KvpLayout.PoolRecordSize];
        for (int i = 0; i < records; i++)
        {
            int at = i * KvpLayout.PoolRecordSize;
            Encoding.UTF8.GetBytes(Key(i), pool.AsSpan(at));
            Encoding.UTF8.GetBytes("value-" + i + "-" + new string('v', 100), pool.AsSpan(at + KvpLayout.PoolRecordValue));
        }
        var host = new SimHost();
        var spec = daemonFlags ? new SandboxSpec(program, "-n") : new SandboxSpec(program);
        spec.WithFile("/var/lib/hyperv/.kvp_pool_0", pool);
        spec.Environment["HV_BENCH_ALLOC"] = "1";
        // HV_BENCH_DAEMON_ENV="DOTNET_GCgen0size=0x100000;..." tries runtime settings on our daemon only.
        if (daemonFlags && Environment.GetEnvironmentVariable("HV_BENCH_DAEMON_ENV") is { Length: > 0 } extra)
            foreach (string kv in extra.Split(';', StringSplitOptions.RemoveEmptyEntries))
                spec.Environment[kv[..kv.IndexOf('=')]] = kv[(kv.IndexOf('=') + 1)..];
        var sb = Sandbox.Start(host, spec);
        if (!host.Kernel.Kvp.WaitReady(TimeSpan.FromSeconds(20)))
        {
            string why = sb.Describe();
            sb.Dispose();
            throw new InvalidOperationException(name + " did not register:\n" + why);
        }
        host.Kvp.Enumerate(KvpPoolId.External, 0);   // the first load happens here, not in a figure
        return new Responder(name, host, sb);
    }

    /// <summary>Managed bytes our daemon reported allocating (HV_BENCH_ALLOC lines) so far.</summary>
    public long AllocatedBytes()
    {
        long sum = 0;
        foreach (SyslogLine line in _sandbox.Log.Lines) sum += AllocationLines.Bytes(line.Message);
        return sum;
    }

    /// <summary>VmRSS, RssAnon and RssFile in kB.</summary>
    public (long Rss, long Anon, long File) MemoryKb()
    {
        long rss = -1, anon = -1, file = -1;
        foreach (string line in System.IO.File.ReadLines("/proc/" + _sandbox.Pid + "/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal)) rss = Kb(line);
            else if (line.StartsWith("RssAnon:", StringComparison.Ordinal)) anon = Kb(line);
            else if (line.StartsWith("RssFile:", StringComparison.Ordinal)) file = Kb(line);
        }
        return (rss, anon, file);
    }

    static long Kb(string line) => long.Parse(line[(line.IndexOf(':') + 1)..].Trim().Split(' ')[0]);

    public void Dispose() => _sandbox.Dispose();
}
