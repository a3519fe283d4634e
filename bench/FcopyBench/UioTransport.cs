using System;
using System.IO;
using HvDaemons.Fcopy;
using HvDaemons.HostSim.Uio;

namespace HvDaemons.Bench;

/// <summary>hv_fcopy_daemon run as hv_fcopy_uio_daemon over the simulated uio device (kernels 6.10+).</summary>
sealed class UioTransport : IFcopyTransport
{
    readonly UioRingHost _ring;
    readonly UioDaemonSandbox _daemon;

    public UioTransport(string binDir, string workDir, string targetDir, long tmpfsBytes)
    {
        _ring = new UioRingHost(Directory.CreateDirectory(Path.Combine(workDir, "uio-" + Guid.NewGuid().ToString("N"))).FullName);
        Environment.SetEnvironmentVariable("HV_BENCH_ALLOC", "1");   // inherited by the daemon only
        _daemon = new UioDaemonSandbox(_ring, Path.Combine(binDir, "hv_fcopy_daemon"),
            $"mount -t tmpfs -o size={tmpfsBytes} hvd-fcopy-bench \"{targetDir}\"");
        try
        {
            _ring.Negotiate();
        }
        catch (Exception e) when (e is TimeoutException or InvalidDataException)
        {
            string why = Describe();
            Dispose();
            throw new InvalidOperationException("hv_fcopy_uio_daemon did not negotiate (" + e.Message + "):\n" + why);
        }
    }

    public NameEncoding Names => _ring.Encoding;
    public int DaemonPid => _daemon.Pid;
    public uint Send(byte[] message) => _ring.Send(message);
    public string HostPath(string path) => _daemon.HostPath(path);

    public long AllocatedBytes()
    {
        long sum = 0;
        foreach (string line in _daemon.Log.Split('\n')) sum += AllocationLines.Bytes(line);
        return sum;
    }
    public int? Stop() => _daemon.Stop(TimeSpan.FromSeconds(20));
    public string Describe() => $"daemon pid {_daemon.Pid}, exited: {_daemon.HasExited}\nlog:\n{_daemon.Log}";

    public void Dispose()
    {
        _daemon.Dispose();
        _ring.Dispose();
    }
}
