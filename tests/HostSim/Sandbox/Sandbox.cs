using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading;
using HvDaemons.HostSim.Fuse;
using HvDaemons.HostSim.Kernel;
using Tmds.Linux;

namespace HvDaemons.HostSim.Sandboxing;

/// <summary>
/// A program (normally a daemon binary) running in its own mount namespace against the
/// simulated device. The FUSE server runs in this process; a single-threaded launcher
/// (`setsid unshare --mount bash launch.sh`) inherits the /dev/fuse descriptor, mounts it at
/// /dev/vmbus inside the namespace and execs the program, so <see cref="Pid"/> is the
/// program's pid and its process group. Dispose kills that group and stops the server.
/// </summary>
public sealed class Sandbox : IDisposable
{
    readonly FuseConnection? _fuse;
    readonly Process _process;
    readonly List<string> _output = new();
    readonly Dictionary<string, string> _hostDirs = new(StringComparer.Ordinal);
    bool _disposed;

    Sandbox(SimKernel kernel, SandboxSpec spec, string work)
    {
        Kernel = kernel;
        Spec = spec;
        WorkDirectory = work;
        Log = new SyslogCapture(Path.Combine(work, "syslog.sock"));
        var sources = new List<string>();
        for (int i = 0; i < spec.Mounts.Count; i++)
        {
            string dir = Path.Combine(work, "mnt" + i);
            if (spec.Mounts[i] is SandboxMount.Bind b) dir = b.Source;
            else Directory.CreateDirectory(dir);
            if (spec.Mounts[i] is SandboxMount.HostDir) _hostDirs[Normalize(spec.Mounts[i].Target)] = dir;
            sources.Add(dir);
        }
        SeedFiles(spec, sources);

        int fd = -1;
        if (spec.PrivateDev)
        {
            _fuse = kernel.OpenConnection();
            _fuse.Start();
            fd = _fuse.Fd;
        }
        string script = Path.Combine(work, "launch.sh");
        File.WriteAllText(script, LaunchScript.Build(spec, work, fd, sources));

        var psi = new ProcessStartInfo("setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (string a in new[] { "unshare", "--mount", "--propagation", "private", "/bin/bash", script })
            psi.ArgumentList.Add(a);
        // A VSS daemon locks and reads its record of frozen filesystems at start: never the
        // machine's /run/hyperv-vss. A FreezeRoot names one inside the root it built.
        psi.Environment["HV_VSS_FROZEN_RECORD"] = Path.Combine(work, "vss-frozen");
        foreach (var (k, v) in spec.Environment) psi.Environment[k] = v;
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => AddOutput(e.Data);
        _process.ErrorDataReceived += (_, e) => AddOutput(e.Data);
        try
        {
            // The /dev/fuse descriptor is inherited here (it is not close-on-exec); once the
            // launcher runs, stop it from leaking into anything else this process starts.
            _process.Start();
        }
        finally
        {
            _fuse?.MarkCloseOnExec();
        }
        Pid = _process.Id;
        _process.StandardInput.Close();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    /// <summary>Builds the sandbox against <paramref name="host"/>'s kernel and starts the program.</summary>
    public static Sandbox Start(Host.SimHost host, SandboxSpec spec) => Start(host.Kernel, spec);

    /// <summary>Builds the sandbox and starts the program. Throws if the launcher cannot run.</summary>
    public static Sandbox Start(SimKernel kernel, SandboxSpec spec)
    {
        string work = spec.WorkParent is null
            ? Directory.CreateTempSubdirectory("hvsim-").FullName
            : Directory.CreateDirectory(Path.Combine(spec.WorkParent, "hvsim-" + Guid.NewGuid().ToString("N")[..8])).FullName;
        try
        {
            return new Sandbox(kernel, spec, work);
        }
        catch
        {
            TryDelete(work);
            throw;
        }
    }

    public SimKernel Kernel { get; }
    public SandboxSpec Spec { get; }

    /// <summary>Host directory holding the sandbox's socket, script and HostDir mounts.</summary>
    public string WorkDirectory { get; }

    /// <summary>The program's pid (also its process group and session id).</summary>
    public int Pid { get; }

    /// <summary>Everything the program sent to syslog (/dev/log inside the sandbox).</summary>
    public SyslogCapture Log { get; }

    /// <summary>Launcher and program stdout/stderr lines (setup failures show up here).</summary>
    public IReadOnlyList<string> Output { get { lock (_output) return _output.ToArray(); } }

    public bool HasExited => _process.HasExited;

    /// <summary>The program's exit status (128+signal if killed), null while it runs.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    /// <summary>Waits for the program to exit; its status, or null if still running.</summary>
    public int? WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout)) return null;
        _process.WaitForExit();   // drains the redirected output
        return _process.ExitCode;
    }

    /// <summary>Sends <paramref name="signal"/> to the program's pid only.</summary>
    public bool Signal(int signal) => !_process.HasExited && LibC.kill(Pid, signal) == 0;

    public bool Terminate() => Signal(LibC.SIGTERM);
    public bool KillHard() => Signal(LibC.SIGKILL);
    public bool Stop() => Signal(LibC.SIGSTOP);
    public bool Continue() => Signal(LibC.SIGCONT);

    /// <summary>Where a path inside the sandbox lives on the host: under a HostDir mount it is a
    /// plain directory of the work area (readable after exit); elsewhere it goes through
    /// /proc/PID/root, which only works while the program runs.</summary>
    public string HostPath(string sandboxPath)
    {
        string p = Normalize(sandboxPath);
        foreach (var (target, dir) in _hostDirs)
        {
            if (p == target) return dir;
            if (p.StartsWith(target + "/", StringComparison.Ordinal)) return dir + p[target.Length..];
        }
        return "/proc/" + Pid + "/root" + p;
    }

    /// <summary>Syslog and launcher output, for assertion messages.</summary>
    public string Describe()
    {
        var sb = new StringBuilder();
        sb.Append("sandbox pid ").Append(Pid).Append(", exit ").Append(ExitCode?.ToString() ?? "running").Append('\n');
        sb.Append("syslog:\n").Append(Log.Dump());
        sb.Append("output:\n");
        foreach (string l in Output) sb.Append("  ").Append(l).Append('\n');
        return sb.ToString();
    }

    void AddOutput(string? line)
    {
        if (line is null) return;
        lock (_output) _output.Add(line);
    }

    void SeedFiles(SandboxSpec spec, List<string> sources)
    {
        foreach (var (path, (content, mode)) in spec.Files)
        {
            string p = Normalize(path);
            string? dest = null;
            for (int i = spec.Mounts.Count - 1; i >= 0 && dest is null; i--)
            {
                SandboxMount m = spec.Mounts[i];
                if (m is SandboxMount.Bind) continue;
                string t = Normalize(m.Target);
                if (p.StartsWith(t + "/", StringComparison.Ordinal)) dest = sources[i] + p[t.Length..];
            }
            if (dest is null)
                throw new ArgumentException("seeded file " + path + " is not under a HostDir or Tmpfs mount of the sandbox");
            Directory.CreateDirectory(Path.GetDirectoryName(dest)!);
            File.WriteAllBytes(dest, content);
            File.SetUnixFileMode(dest, mode);
        }
    }

    static string Normalize(string path)
    {
        if (!path.StartsWith('/')) throw new ArgumentException("sandbox paths are absolute: " + path);
        return path.Length > 1 ? path.TrimEnd('/') : path;
    }

    static void TryDelete(string dir)
    {
        try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        if (!_process.HasExited)
        {
            LibC.kill(-Pid, LibC.SIGKILL);   // the program's own process group (setsid)
            LibC.kill(Pid, LibC.SIGKILL);
        }
        _process.WaitForExit(10_000);
        _process.Dispose();
        _fuse?.Dispose();
        Log.Dispose();
        if (System.Environment.GetEnvironmentVariable("HVSIM_KEEP") != "1") TryDelete(WorkDirectory);
    }
}
