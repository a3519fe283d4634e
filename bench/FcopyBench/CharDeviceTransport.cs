using System;
using System.Threading.Tasks;
using HvDaemons.Fcopy;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;

namespace HvDaemons.Bench;

/// <summary>hv_fcopy_daemon, or the plain C yardstick (bench/Floor/plain_fcopy.c), on HostSim's
/// FUSE /dev/vmbus/hv_fcopy (kernels up to 6.9).</summary>
sealed class CharDeviceTransport : IFcopyTransport
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    readonly SimHost _host = new(new SimKernelOptions());
    readonly Sandbox _sandbox;

    /// <param name="daemonFlags">Our daemon: -n; the yardstick takes no arguments.</param>
    public CharDeviceTransport(string program, bool daemonFlags, string targetDir, long tmpfsBytes)
    {
        SandboxSpec spec = daemonFlags ? new SandboxSpec(program, "-n") : new SandboxSpec(program);
        spec.Environment["HV_BENCH_ALLOC"] = "1";
        spec.Mounts.Add(new SandboxMount.Tmpfs(targetDir, Size: tmpfsBytes.ToString()));
        _sandbox = Sandbox.Start(_host, spec);
        if (!_host.Kernel.Fcopy.WaitReady(Bound))
        {
            string why = _sandbox.Describe();
            _sandbox.Dispose();
            throw new InvalidOperationException(program + " did not register:\n" + why);
        }
    }

    public NameEncoding Names => NameEncoding.Utf8;
    public int DaemonPid => _sandbox.Pid;

    public uint Send(byte[] message)
    {
        Task<DeviceAnswer> answer = _host.Kernel.Fcopy.Submit(message);
        if (!answer.Wait(Bound)) throw new TimeoutException("no answer from the kernel");
        if (answer.Result.Source != AnswerSource.Daemon)
            throw new InvalidOperationException("answered by " + answer.Result.Source + ", not the daemon");
        return answer.Result.Status;
    }

    public string HostPath(string path) => _sandbox.HostPath(path);

    public long AllocatedBytes()
    {
        long sum = 0;
        foreach (SyslogLine line in _sandbox.Log.Lines) sum += AllocationLines.Bytes(line.Message);
        return sum;
    }

    public int? Stop()
    {
        _sandbox.Terminate();
        return _sandbox.WaitForExit(Bound);
    }

    public string Describe() => _sandbox.Describe();

    public void Dispose() => _sandbox.Dispose();
}
