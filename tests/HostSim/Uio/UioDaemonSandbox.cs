using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using HvDaemons.Transport;

namespace HvDaemons.HostSim.Uio;

/// <summary>
/// A published hv_fcopy_daemon, invoked as hv_fcopy_uio_daemon -n, in a private mount namespace
/// whose /sys and /dev are the <see cref="UioRingHost"/>'s fake trees (bind mounts, so the host
/// outside sees the same files and FIFOs). /dev/null, /dev/zero and /dev/urandom are bound in
/// from the real /dev; nothing is created in the real /sys or /dev. Extra setup (e.g. a tmpfs
/// for the copied files) runs as shell lines inside the namespace only. unshare and sh exec, so
/// <see cref="Pid"/> is the daemon's.
/// </summary>
public sealed class UioDaemonSandbox : IDisposable
{
    readonly Process _process;
    readonly StringBuilder _stderr = new();

    /// <param name="binary">The published hv_fcopy_daemon; it is run through a symlink named hv_fcopy_uio_daemon.</param>
    /// <param name="environment">Extra variables for the daemon (e.g. NOTIFY_SOCKET).</param>
    public UioDaemonSandbox(UioRingHost host, string binary, string extraSetup = "",
                            System.Collections.Generic.IReadOnlyDictionary<string, string>? environment = null)
    {
        if (!File.Exists(binary)) throw new FileNotFoundException(binary + " missing: run ./build.sh", binary);
        string link = Path.Combine(host.Root, "hv_fcopy_uio_daemon");
        File.CreateSymbolicLink(link, Path.GetFullPath(binary));
        string script = "set -e\n"
            + "for n in null zero urandom; do : > \"$T/dev/$n\"; mount --bind /dev/$n \"$T/dev/$n\"; done\n"
            + extraSetup + "\n"
            + "mount --bind \"$T/sys\" /sys\n"
            + "mount --rbind \"$T/dev\" /dev\n"
            + "exec \"$T/hv_fcopy_uio_daemon\" -n\n";
        var psi = new ProcessStartInfo("unshare", ["--mount", "--propagation", "private", "--", "/bin/sh", "-c", script])
        {
            RedirectStandardError = true,
            RedirectStandardOutput = true,
        };
        psi.Environment["T"] = host.Root;
        psi.Environment[UioSimulatedDevice.EnvironmentVariable] = "1";
        psi.Environment["HV_SYSLOG_SOCKET"] = "/dev/no-syslog-here";   // lines go to stderr
        if (environment is not null)
            foreach (var (k, v) in environment) psi.Environment[k] = v;
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
    }

    /// <summary>The daemon's stderr so far (its log lines, since syslog is unreachable).</summary>
    public string Log { get { lock (_stderr) return _stderr.ToString(); } }
    public int Pid => _process.Id;
    public bool HasExited => _process.HasExited;

    /// <summary>A path inside the daemon's namespace as seen from outside (through /proc/PID/root), while it runs.</summary>
    public string HostPath(string sandboxPath) => $"/proc/{Pid}/root{Path.GetFullPath(sandboxPath)}";

    /// <summary>SIGTERM, then the exit status; null if it did not exit within <paramref name="timeout"/>.</summary>
    public int? Stop(TimeSpan timeout)
    {
        if (!_process.HasExited) Tmds.Linux.LibC.kill(_process.Id, Tmds.Linux.LibC.SIGTERM);
        if (!_process.WaitForExit(timeout)) return null;
        _process.WaitForExit();   // drains the redirected stderr
        return _process.ExitCode;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Tmds.Linux.LibC.kill(_process.Id, Tmds.Linux.LibC.SIGKILL);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
