using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using System.Security.Cryptography;
using HvDaemons.Wire;
using HvDaemons.HostSim.Systemd;
using HvDaemons.HostSim.Uio;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>Black box: the published AOT binary over the simulated uio device.</summary>
public sealed class UioBinaryTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-uiobin-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    UioRingHost NewHost() => new(Path.Combine(_dir, "env"));

    [Theory]
    [MemberData(nameof(FcopyCases.Names), MemberType = typeof(FcopyCases))]
    public void FileSemanticsTable(string name)
    {
        using var host = NewHost();
        using var daemon = new UioDaemonProcess(host);
        host.Negotiate();
        Directory.CreateDirectory(Path.Combine(_dir, "files"));
        FcopyCases.Run(name, daemon, Path.Combine(_dir, "files"));
        Assert.Equal(0, daemon.Stop());
        Assert.Contains("HV_UIO_FCOPY: transport: VMBus ring through uio_hv_generic", daemon.Log);
        Assert.Contains("FCopy IC version 1.1", daemon.Log);
    }

    [Fact]
    public void DiskFullTmpfsAnswersDiskFullAndServiceContinues()
    {
        using var host = NewHost();
        string small = Path.Combine(_dir, "small");
        Directory.CreateDirectory(small);
        using var daemon = new UioDaemonProcess(host, $"mount -t tmpfs -o size=64k hvd-small \"{small}\"");
        host.Negotiate();
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Start(small, "big", 0, host.Encoding)));
        uint status = HvStatus.S_OK;
        var chunk = new byte[FcopyLayout.DataFragment];
        new Random(1).NextBytes(chunk);
        for (int i = 0; i < 64 && status == HvStatus.S_OK; i++)
            status = host.Send(FcopyMessages.Write((ulong)(i * chunk.Length), chunk));
        Assert.Equal(HvStatus.ERROR_DISK_FULL, status);
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Cancel()));
        // The cancelled file was removed, so the space is back.
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Start(small, "fits", 0, host.Encoding)));
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Write(0, chunk)));
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Complete()));
        Assert.Equal(0, daemon.Stop());
        Assert.Contains("No space left on device", daemon.Log);
    }

    [Fact]
    public void SigtermMidCopyRemovesThePartialFile()
    {
        using var host = NewHost();
        using var daemon = new UioDaemonProcess(host);
        host.Negotiate();
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Start(_dir, "half", 0, host.Encoding)));
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Write(0, new byte[100])));
        Assert.True(File.Exists(Path.Combine(_dir, "half")));
        Assert.Equal(0, daemon.Stop());
        Assert.False(File.Exists(Path.Combine(_dir, "half")));
    }

    [Fact]
    public void BindsWhenNotBound()
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"), bound: false);
        string newId = Path.Combine(host.SysRoot, "bus/vmbus/drivers/uio_hv_generic/new_id");
        using var daemon = new UioDaemonProcess(host);
        for (int i = 0; i < 1000 && File.ReadAllText(newId).Length == 0; i++) System.Threading.Thread.Sleep(5);
        Directory.CreateDirectory(Path.Combine(host.DeviceDir, "uio/uio0"));   // the kernel's probe
        host.Negotiate();
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Cancel()));
        Assert.Equal(0, daemon.Stop());
        Assert.Contains("binding the fcopy VMBus device to uio_hv_generic", daemon.Log);
    }

    [Theory]
    [InlineData(HvDaemons.HostSim.Uio.MaskSemantics.KernelMasks)]
    [InlineData(HvDaemons.HostSim.Uio.MaskSemantics.UserOwned)]
    public void PacketsQueuedBehindOneInterruptAreAllAnsweredUnderEitherMaskRegime(HvDaemons.HostSim.Uio.MaskSemantics semantics)
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"), semantics: semantics);
        using var daemon = new UioDaemonProcess(host);
        host.Negotiate();
        uint[] statuses = host.SendBatch([
            FcopyMessages.Start(_dir, "batched", 0, host.Encoding),
            FcopyMessages.Write(0, "one "u8),
            FcopyMessages.Write(4, "two"u8),
            FcopyMessages.Complete(),
            FcopyMessages.Cancel(),
        ]);
        Assert.All(statuses, s => Assert.Equal(HvStatus.S_OK, s));
        Assert.Equal("one two", File.ReadAllText(Path.Combine(_dir, "batched")));
        Assert.Equal(0, daemon.Stop());
    }

    [Fact]
    public void CopyOf64MiBWithChecksum()
    {
        using var host = NewHost();
        using var daemon = new UioDaemonProcess(host);
        host.Negotiate();
        FcopyBulkCopy.SendAndVerify(host.Send, host.Encoding, _dir, "large.bin", 64L << 20, seed: 42);
        Assert.Equal(0, daemon.Stop());
    }

    /// <summary>The ring's counterpart of the registration reply is the host's IC negotiation:
    /// READY=1 only once it is answered, once, and STATUS only after a reopen.</summary>
    [Fact]
    public void ReadyComesOnceTheHostsNegotiationIsAnsweredAndNeverAgain()
    {
        using var host = NewHost();
        using var notify = new NotifyListener();
        using var daemon = new UioDaemonProcess(host, environment: new Dictionary<string, string> { ["NOTIFY_SOCKET"] = notify.Address });
        string context() => notify.Describe() + daemon.Log;

        Assert.True(WaitUntil(() => notify.Messages.Any(m => m.Text.StartsWith("STATUS=registering with /dev/uio0", StringComparison.Ordinal))), context());
        Thread.Sleep(1000);   // the channel is open; the host has not negotiated
        Assert.True(notify.With("READY=1").Count == 0, "READY=1 before the negotiation:\n" + context());

        host.Negotiate();
        // Order, not time: READY=1 only after the negotiation (a loaded machine is slow, not wrong).
        Assert.True(notify.WaitFor("READY=1", TimeSpan.FromSeconds(20)) is not null, "no READY=1 after the negotiation:\n" + context());
        Assert.Contains("STATUS=registered, protocol 1.1", notify.With("READY=1")[0].Text);

        host.ResetTransport();   // the daemon reopens and the host negotiates again
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Cancel()));
        Assert.True(WaitUntil(() => notify.Messages.SkipWhile(m => !m.Text.Contains("STATUS=reopening")).Any(m => m.Text.Contains("STATUS=registered"))), context());
        Assert.True(notify.With("READY=1").Count == 1, "READY=1 more than once:\n" + context());

        Assert.Equal(0, daemon.Stop());
        Assert.True(notify.WaitFor("STOPPING=1", TimeSpan.FromSeconds(20)) is not null, context());
    }

    static bool WaitUntil(Func<bool> condition)
    {
        DateTime end = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        while (!condition())
        {
            if (DateTime.UtcNow > end) return false;
            Thread.Sleep(20);
        }
        return true;
    }
}
