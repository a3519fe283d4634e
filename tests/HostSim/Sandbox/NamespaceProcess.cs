using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Threading.Tasks;

namespace HvDaemons.HostSim.Sandboxing;

/// <summary>A program run inside a sandbox's mount namespace (nsenter into a process there),
/// e.g. a writer that blocks while its filesystem is frozen.</summary>
public sealed class NamespaceProcess : IDisposable
{
    readonly Process _process;
    readonly Task<string> _stdout;
    readonly Task<string> _stderr;
    bool _disposed;

    NamespaceProcess(Process process)
    {
        _process = process;
        _stdout = process.StandardOutput.ReadToEndAsync();
        _stderr = process.StandardError.ReadToEndAsync();
    }

    /// <summary>Runs <paramref name="program"/> (a path inside the namespace) with the root and
    /// mounts of process <paramref name="insidePid"/>.</summary>
    public static NamespaceProcess Start(int insidePid, string program, params string[] args)
        => Start(insidePid, null, program, args);

    /// <summary>As above, with <paramref name="environment"/> added to this process's variables.</summary>
    public static NamespaceProcess Start(int insidePid, IReadOnlyDictionary<string, string>? environment, string program, params string[] args)
    {
        var psi = new ProcessStartInfo("nsenter")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        if (environment is not null) foreach (var (k, v) in environment) psi.Environment[k] = v;
        foreach (string a in new[] { "--target", insidePid.ToString(), "--mount", "--root", "--wd", program }) psi.ArgumentList.Add(a);
        foreach (string a in args) psi.ArgumentList.Add(a);
        return new NamespaceProcess(Process.Start(psi)!);
    }

    /// <summary>Its pid (nsenter execs the program in place, so it is the program's).</summary>
    public int Pid => _process.Id;

    public bool HasExited => _disposed || _process.HasExited;

    /// <summary>Whether it finished within <paramref name="wait"/>; false means it is still blocked.</summary>
    public bool Finished(TimeSpan wait) => _disposed || _process.WaitForExit(wait);

    /// <summary>"exit N: stdout" once finished (waits for it).</summary>
    public string Result
    {
        get
        {
            _process.WaitForExit();
            return "exit " + _process.ExitCode + ": " + _stdout.Result.Trim() + (_stderr.Result.Length > 0 ? " / " + _stderr.Result.Trim() : "");
        }
    }

    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        try
        {
            if (!_process.HasExited) _process.Kill();
            _process.WaitForExit(10_000);
        }
        catch (InvalidOperationException) { }
        _process.Dispose();
    }
}
