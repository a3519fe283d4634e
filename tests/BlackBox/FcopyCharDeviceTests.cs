using System;
using System.IO;
using System.Security.Cryptography;
using System.Threading.Tasks;
using HvDaemons.Fcopy;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Tests.Fcopy;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>The published hv_fcopy_daemon over the simulated /dev/vmbus/hv_fcopy, run through
/// the same file-semantics table as the handler and the uio transport.</summary>
sealed class CharDeviceFcopyHost : IFcopyHost
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    public readonly SimHost Host;
    public readonly Sandbox Sandbox;

    public CharDeviceFcopyHost(string workDir, Action<SandboxSpec>? configure = null)
    {
        Host = new SimHost();
        SandboxSpec spec = SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, "hv_fcopy_daemon");
        spec.Mounts.Add(new SandboxMount.Bind(workDir, workDir));
        configure?.Invoke(spec);
        Sandbox = Sandbox.Start(Host, spec);
        Assert.True(Host.Kernel.Fcopy.WaitReady(Bound), "fcopy did not register:\n" + Sandbox.Describe());
    }

    public NameEncoding Encoding => NameEncoding.Utf8;

    public uint Send(byte[] message)
    {
        var answer = Host.Kernel.Fcopy.Submit(message);
        Assert.True(answer.Wait(Bound), "no answer:\n" + Sandbox.Describe());
        Assert.True(answer.Result.Source == AnswerSource.Daemon, answer.Result.Source + ":\n" + Sandbox.Describe());
        return answer.Result.Status;
    }

    public void ResetTransport()
    {
        int registrations = Host.Kernel.Fcopy.Registrations;
        Sandbox.Stop();
        // Only this request gets a short kernel timeout: the late reply it provokes is refused
        // (EINVAL), and the daemon reopens. Every other message keeps the kernel's 30 s.
        Task<DeviceAnswer> late;
        using (Host.Kernel.Fcopy.KernelTimeout(TimeSpan.FromSeconds(1)))
            late = Host.Kernel.Fcopy.Submit(FcopyMessages.Write(0, new byte[1]));
        Assert.True(late.Wait(Bound));
        Assert.Equal(AnswerSource.KernelTimeout, late.Result.Source);
        Sandbox.Continue();
        Assert.True(Host.Kernel.Fcopy.WaitRegistrations(registrations + 1, Bound), "daemon did not reopen:\n" + Sandbox.Describe());
    }

    public void Dispose() => Sandbox.Dispose();
}

public sealed class FcopyCharDeviceTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-fcopy-bb-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [SkippableTheory]
    [MemberData(nameof(FcopyCases.Names), MemberType = typeof(FcopyCases))]
    public void FileSemanticsTable(string name)
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_fcopy_daemon");
        using var host = new CharDeviceFcopyHost(_dir);
        FcopyCases.Run(name, host, _dir);
        Assert.True(host.Sandbox.Terminate());
        Assert.Equal(0, host.Sandbox.WaitForExit(TimeSpan.FromSeconds(20)));
        Assert.NotNull(host.Sandbox.Log.WaitFor("transport: /dev/vmbus/hv_fcopy", TimeSpan.FromSeconds(5)));
    }

    [SkippableFact]
    public void DiskFullTmpfsAnswersDiskFull()
    {
        BlackBoxEnvironment.RequireSandbox();
        string small = Path.Combine(_dir, "small");
        using var host = new CharDeviceFcopyHost(_dir, spec => spec.Mounts.Add(new SandboxMount.Tmpfs(small, Size: "64k")));
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Start(small, "big", 0, NameEncoding.Utf8)));
        var chunk = new byte[FcopyLayout.DataFragment];
        new Random(3).NextBytes(chunk);
        uint status = HvStatus.S_OK;
        for (int i = 0; i < 64 && status == HvStatus.S_OK; i++)
            status = host.Send(FcopyMessages.Write((ulong)(i * chunk.Length), chunk));
        Assert.Equal(HvStatus.ERROR_DISK_FULL, status);
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Cancel()));
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Start(small, "fits", 0, NameEncoding.Utf8)));
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Write(0, chunk)));
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Complete()));
    }

    [SkippableFact]
    public void CopyOf1GiBWithChecksum()
    {
        BlackBoxEnvironment.RequireSandbox();
        using var host = new CharDeviceFcopyHost(_dir);
        FcopyBulkCopy.SendAndVerify(host.Send, NameEncoding.Utf8, _dir, "gig.bin", 1L << 30, seed: 7);
    }
}
