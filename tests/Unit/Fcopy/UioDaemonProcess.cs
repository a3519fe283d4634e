using System;
using System.Diagnostics;
using System.IO;
using System.Text;
using HvDaemons.Fcopy;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>
/// The published binary, invoked as hv_fcopy_uio_daemon -n, in a private mount namespace whose
/// /sys and /dev are the simulator's fake trees (bind mounts, so the simulator outside sees the
/// same files and FIFOs). /dev/null, /dev/zero and /dev/urandom are bound in from the real /dev;
/// nothing is created in the real /sys or /dev. Extra tmpfs mounts (e.g. a tiny one for
/// disk-full) are made inside the namespace only.
/// </summary>
sealed class UioDaemonProcess : IFcopyHost
{
    readonly UioHostSim _host;
    readonly Process _process;
    readonly StringBuilder _stderr = new();

    public UioDaemonProcess(UioHostSim host, string extraSetup = "")
    {
        _host = host;
        string bin = Binary;
        string link = Path.Combine(host.Root, "hv_fcopy_uio_daemon");
        File.CreateSymbolicLink(link, bin);
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
        psi.Environment[HvDaemons.Transport.UioSimulatedDevice.EnvironmentVariable] = "1";
        psi.Environment["HV_SYSLOG_SOCKET"] = "/dev/no-syslog-here";   // lines go to stderr
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
    }

    /// <summary>out/linux-x64/hv_fcopy_daemon from ./build.sh (HV_DAEMONS_OUT overrides the folder).</summary>
    public static string Binary
    {
        get
        {
            string? outDir = Environment.GetEnvironmentVariable("HV_DAEMONS_OUT");
            if (string.IsNullOrEmpty(outDir))
            {
                string? dir = AppContext.BaseDirectory;
                while (dir is not null && !File.Exists(Path.Combine(dir, "build.sh"))) dir = Path.GetDirectoryName(dir);
                Assert.True(dir is not null, "repository root not found");
                outDir = Path.Combine(dir!, "out/linux-x64");
            }
            string bin = Path.Combine(outDir, "hv_fcopy_daemon");
            Assert.True(File.Exists(bin), bin + " missing: run ./build.sh before the black-box tests");
            return bin;
        }
    }

    public string Log { get { lock (_stderr) return _stderr.ToString(); } }
    public int Pid => _process.Id;
    public NameEncoding Encoding => NameEncoding.Utf16Le;
    public uint Send(byte[] message) => _host.Send(message);
    public void ResetTransport() => _host.ResetTransport();

    /// <summary>SIGTERM, then the exit status.</summary>
    public int Stop()
    {
        if (!_process.HasExited) Tmds.Linux.LibC.kill(_process.Id, Tmds.Linux.LibC.SIGTERM);
        Assert.True(_process.WaitForExit(10000), "daemon ignored SIGTERM; log:\n" + Log);
        _process.WaitForExit();
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
