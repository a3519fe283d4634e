using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;

namespace HvDaemons.Bench;

/// <summary>
/// Counts a running process's system calls over a stretch of the bench: strace -c attached to
/// every thread, detached with SIGINT. Tracing slows the process, so CPU is never measured in
/// the same stretch. Without strace the figures are missing, not guessed.
/// </summary>
sealed class SyscallCount : IDisposable
{
    readonly Process _strace;
    readonly string _output;
    readonly int _pid;

    SyscallCount(Process strace, string output, int pid)
    {
        _strace = strace;
        _output = output;
        _pid = pid;
    }

    public static SyscallCount? Attach(int pid)
    {
        string output = Path.GetTempFileName();
        var tids = new List<string>();
        foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task")) tids.Add(Path.GetFileName(task));
        var psi = new ProcessStartInfo("strace", ["-c", "-q", "-o", output, "-p", string.Join(",", tids)])
        { RedirectStandardError = true, RedirectStandardOutput = true };
        Process p;
        try { p = Process.Start(psi)!; }
        catch (System.ComponentModel.Win32Exception) { File.Delete(output); return null; }
        // Attached once the kernel names strace as the tracer.
        for (int i = 0; i < 200 && TracerPid(pid) != p.Id; i++) Thread.Sleep(10);
        if (TracerPid(pid) != p.Id) { p.Kill(); p.Dispose(); File.Delete(output); return null; }
        return new SyscallCount(p, output, pid);
    }

    /// <summary>Detaches and returns calls per syscall name (and "total").</summary>
    public Dictionary<string, long> Finish()
    {
        Tmds.Linux.LibC.kill(_strace.Id, Tmds.Linux.LibC.SIGINT);   // SIGINT: strace detaches and writes its summary
        _strace.WaitForExit(10_000);
        var calls = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (string line in File.ReadAllLines(_output))
        {
            string[] f = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            // % time, seconds, usecs/call, calls, [errors], name
            if (f.Length < 5 || !double.TryParse(f[0], out _) || !long.TryParse(f[3], out long n)) continue;
            calls[f[^1]] = n;
        }
        return calls;
    }

    static int TracerPid(int pid)
    {
        foreach (string line in File.ReadLines($"/proc/{pid}/status"))
            if (line.StartsWith("TracerPid:", StringComparison.Ordinal)) return int.Parse(line.AsSpan(10).Trim());
        return 0;
    }

    public void Dispose()
    {
        if (!_strace.HasExited) _strace.Kill();
        _strace.Dispose();
        File.Delete(_output);
    }
}
