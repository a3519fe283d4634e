using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Fcopy;
using HvDaemons.HostSim.Uio;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>The simulated uio ring host as the file-semantics table sees a host.</summary>
sealed class UioRingFcopyHost(UioRingHost ring) : IFcopyHost
{
    public NameEncoding Encoding => ring.Encoding;
    public uint Send(byte[] message) => ring.Send(message);
    public void ResetTransport() => ring.ResetTransport();
    public void Dispose() { }   // the test owns the ring host
}

/// <summary>The published binary from out/linux-x64 as hv_fcopy_uio_daemon (see <see cref="UioDaemonSandbox"/>),
/// with the test's assertions around starting and stopping it.</summary>
sealed class UioDaemonProcess : IFcopyHost
{
    readonly UioRingHost _host;
    readonly UioDaemonSandbox _sandbox;

    public UioDaemonProcess(UioRingHost host, string extraSetup = "", IReadOnlyDictionary<string, string>? environment = null)
    {
        _host = host;
        _sandbox = new UioDaemonSandbox(host, Binary, extraSetup, environment);
    }

    /// <summary>out/linux-x64/hv_fcopy_daemon from `make build` (HV_DAEMONS_OUT overrides the folder),
    /// failing the test when it is missing or older than the sources (<see cref="PublishedBinary"/>).</summary>
    public static string Binary
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(Path.Combine(dir, "build.sh"))) dir = Path.GetDirectoryName(dir);
            Assert.True(dir is not null, "repository root not found");
            string? outDir = Environment.GetEnvironmentVariable("HV_DAEMONS_OUT");
            if (string.IsNullOrEmpty(outDir)) outDir = Path.Combine(dir!, "out/linux-x64");
            string bin = Path.Combine(outDir, "hv_fcopy_daemon");
            PublishedBinary.AssertFresh(bin, dir!);
            return bin;
        }
    }

    public string Log => _sandbox.Log;
    public int Pid => _sandbox.Pid;
    public NameEncoding Encoding => _host.Encoding;
    public uint Send(byte[] message) => _host.Send(message);
    public void ResetTransport() => _host.ResetTransport();

    /// <summary>SIGTERM, then the exit status.</summary>
    public int Stop()
    {
        int? code = _sandbox.Stop(TimeSpan.FromSeconds(10));
        Assert.True(code.HasValue, "daemon ignored SIGTERM; log:\n" + Log);
        return code!.Value;
    }

    public void Dispose() => _sandbox.Dispose();
}
