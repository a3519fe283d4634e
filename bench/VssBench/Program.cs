using System;
using System.Diagnostics;
using System.Linq;
using HvDaemons.Tests.Vss.Sandbox;

// FREEZE and THAW round trips (request written -> reply read) through the service, as the
// sandbox agent sees them. Figures only; nothing is asserted.
const int Rounds = 7;
if (!ZramDevice.Available)
{
    Console.Error.WriteLine("needs root and /sys/class/zram-control");
    return 1;
}
Console.WriteLine($"{"filesystems",11} {"FREEZE median ms",17} {"THAW median ms",15} {"FREEZE max",11} {"THAW max",9}");
foreach (int count in new[] { 1, 8 })
{
    SandboxMount[] extra = Enumerable.Range(1, count - 1).Select(i => (SandboxMount)new ZramMount("/mnt/fs" + i, "ext4")).ToArray();
    using FreezeSandbox sb = FreezeSandbox.Start("ext4", extra);
    sb.Send("daemon-start");
    var freeze = new double[Rounds];
    var thaw = new double[Rounds];
    for (int r = 0; r < Rounds; r++)
    {
        // Some dirty data, so that a freeze has something to flush.
        for (int i = 1; i < count; i++) sb.Send($"writer-start w{i} /mnt/fs{i}/data");
        sb.Send("writer-start w0 /data");
        for (int i = 0; i < count; i++) sb.Send($"writer-wait w{i} 20000");
        freeze[r] = Time(() => Expect(sb.Send("op 5 60000")));
        thaw[r] = Time(() => Expect(sb.Send("op 6 60000")));
    }
    Array.Sort(freeze);
    Array.Sort(thaw);
    Console.WriteLine($"{count,11} {freeze[Rounds / 2],17:F2} {thaw[Rounds / 2],15:F2} {freeze[^1],11:F2} {thaw[^1],9:F2}");
}
return 0;

static double Time(Action a)
{
    long t = Stopwatch.GetTimestamp();
    a();
    return Stopwatch.GetElapsedTime(t).TotalMilliseconds;
}

static void Expect(string status)
{
    if (status != "0") throw new InvalidOperationException("status " + status);
}
