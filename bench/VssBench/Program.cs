using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Testing.Freeze;
using DriverSandbox = HvDaemons.Bench.Sandbox;
using HvDaemons.Wire;

// FREEZE and THAW round trips for 1 and 8 filesystems. Figures only; nothing is asserted.
//   published: the host's request -> hv_vss_daemon (out/linux-x64) over the simulated device -> reply
//   service:   a 12-byte request on the test driver's stdin -> VssService -> reply on its stdout
const int Rounds = 7;
if (FreezeRoot.WhyUnavailable() is string why)
{
    Console.Error.WriteLine("cannot run: " + why);
    return 1;
}
string daemon = Path.Combine(DriverBuild.RepoRoot, "out", "linux-x64", "hv_vss_daemon");
if (!File.Exists(daemon))
{
    Console.Error.WriteLine(daemon + " is missing: run ./build.sh first");
    return 1;
}
Console.WriteLine($"{"path",9} {"filesystems",11} {"FREEZE median ms",17} {"THAW median ms",15} {"FREEZE max",11} {"THAW max",9}");
foreach (int count in new[] { 1, 8 })
{
    var host = new SimHost(new SimKernelOptions { AllowFreeze = true });
    RootMount[] mounts = Enumerable.Range(1, count - 1).Select(i => (RootMount)new RootMount.Zram("/mnt/fs" + i, "ext4")).ToArray();
    using FreezeRoot root = FreezeRoot.Start(host, daemon, "ext4", mounts);
    if (!host.Kernel.Vss.WaitReady(TimeSpan.FromSeconds(30))) throw new InvalidOperationException(root.Describe());
    Report("published", count, () => Dirty(root, count), () => Expect(host.Vss.Freeze().Status), () => Expect(host.Vss.Thaw().Status));
}
foreach (int count in new[] { 1, 8 })
{
    DriverSandbox.SandboxMount[] extra = Enumerable.Range(1, count - 1).Select(i => (DriverSandbox.SandboxMount)new DriverSandbox.ZramMount("/mnt/fs" + i, "ext4")).ToArray();
    using DriverSandbox.FreezeSandbox sb = DriverSandbox.FreezeSandbox.Start("ext4", extra);
    sb.Send("daemon-start");
    Report("service", count, () =>
    {
        for (int i = 1; i < count; i++) sb.Send($"writer-start w{i} /mnt/fs{i}/data");
        sb.Send("writer-start w0 /data");
        for (int i = 0; i < count; i++) sb.Send($"writer-wait w{i} 20000");
    }, () => Expect(Convert.ToUInt32(sb.Send("op 5 60000"), 16)), () => Expect(Convert.ToUInt32(sb.Send("op 6 60000"), 16)));
}
return 0;

// Some dirty data before each round, so that a freeze has something to flush.
static void Dirty(FreezeRoot root, int count)
{
    var writers = Enumerable.Range(0, count).Select(i => root.StartWriter(i == 0 ? "/data" : $"/mnt/fs{i}/data")).ToList();
    foreach (NamespaceProcess w in writers)
    {
        if (!w.Finished(TimeSpan.FromSeconds(20))) throw new InvalidOperationException("writer blocked");
        w.Dispose();
    }
}

static void Report(string path, int count, Action dirty, Action freeze, Action thaw)
{
    var f = new double[Rounds];
    var t = new double[Rounds];
    for (int r = 0; r < Rounds; r++)
    {
        dirty();
        f[r] = Time(freeze);
        t[r] = Time(thaw);
    }
    Array.Sort(f);
    Array.Sort(t);
    Console.WriteLine($"{path,9} {count,11} {f[Rounds / 2],17:F2} {t[Rounds / 2],15:F2} {f[^1],11:F2} {t[^1],9:F2}");
}

static double Time(Action a)
{
    long t = Stopwatch.GetTimestamp();
    a();
    return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
}

static void Expect(uint status)
{
    if (status != HvStatus.S_OK) throw new InvalidOperationException("status " + HvStatus.Name(status));
}
