using System;
using System.Diagnostics;
using System.IO;
using System.Security.Cryptography;
using HvDaemons.HostSim.Host;
using HvDaemons.Wire;

namespace HvDaemons.Bench;

/// <summary>Figures of one timed copy. Wall time runs from START to the COMPLETE reply.</summary>
readonly record struct CopyFigures(long Bytes, TimeSpan Wall, TimeSpan DaemonCpu, TimeSpan HostCpu, bool ChecksumOk)
{
    public double MegabytesPerSecond => Bytes / 1e6 / Wall.TotalSeconds;

    public static CopyFigures operator +(CopyFigures a, CopyFigures b)
        => new(a.Bytes + b.Bytes, a.Wall + b.Wall, a.DaemonCpu + b.DaemonCpu, a.HostCpu + b.HostCpu, a.ChecksumOk && b.ChecksumOk);
}

/// <summary>Pushes one file through a transport as the host does (START, 6144-byte WRITEs in
/// order, COMPLETE), then hashes what the daemon wrote and removes it.</summary>
static class CopyRun
{
    public static CopyFigures Run(IFcopyTransport t, BenchContent content, long size, byte[] expectedSha256, string targetDir)
    {
        string name = $"fcopy-bench-{size >> 20}MiB.bin";
        TimeSpan daemon0 = TimeSpan.FromTicks(TaskCpu.Ns(t.DaemonPid) / 100);
        TimeSpan host0 = Process.GetCurrentProcess().TotalProcessorTime;
        var wall = Stopwatch.StartNew();

        Expect(t.Send(FcopyRequests.Start(name, targetDir, 0, (ulong)size, t.Names)), "START");
        for (long off = 0; off < size; off += FcopyLayout.DataFragment)
        {
            int n = (int)Math.Min(FcopyLayout.DataFragment, size - off);
            Expect(t.Send(FcopyRequests.Write((ulong)off, content.At(off, n))), "WRITE at " + off);
        }
        Expect(t.Send(FcopyRequests.Complete()), "COMPLETE");

        wall.Stop();
        TimeSpan daemonCpu = TimeSpan.FromTicks(TaskCpu.Ns(t.DaemonPid) / 100) - daemon0;
        TimeSpan hostCpu = Process.GetCurrentProcess().TotalProcessorTime - host0;

        string copied = t.HostPath(Path.Combine(targetDir, name));
        bool ok;
        using (FileStream f = File.OpenRead(copied))
            ok = f.Length == size && SHA256.HashData(f).AsSpan().SequenceEqual(expectedSha256);
        File.Delete(copied);
        return new CopyFigures(size, wall.Elapsed, daemonCpu, hostCpu, ok);
    }

    static void Expect(uint status, string what)
    {
        if (status != HvStatus.S_OK) throw new InvalidOperationException(what + " answered " + HvStatus.Name(status));
    }
}
