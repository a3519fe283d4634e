using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Threading;
using HvDaemons.Daemon;
using HvDaemons.Fcopy;
using HvDaemons.HostSim.Uio;
using HvDaemons.Logging;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>UioFcopyChannel + FcopyService + ServiceLoop on a thread, against <see cref="UioRingHost"/>.</summary>
sealed class InProcessUioDaemon : IDisposable
{
    readonly StopSignal _stop = new(handleSignals: false);
    readonly Thread _thread;
    public readonly LockedLogger Log = new();
    public int ExitCode = -1;

    public InProcessUioDaemon(UioRingHost host)
    {
        var locator = new UioLocator(host.SysRoot, host.DevRoot, Log) { BindWaitMs = 3000 };
        var channel = new UioFcopyChannel(locator, UioSimulatedDevice.Open, Log);
        var service = new FcopyService(Log, NameEncoding.Utf16Le);
        var loop = new ServiceLoop(channel, service, Log, _stop);
        _thread = new Thread(() => { ExitCode = loop.Run(); channel.Dispose(); }) { IsBackground = true };
        _thread.Start();
    }

    public bool Join(int ms) => _thread.Join(ms);

    public void Dispose()
    {
        _stop.Request("test");
        Assert.True(_thread.Join(10000), "daemon thread did not stop");
        _stop.Dispose();
    }
}

/// <summary>A logger two threads may use.</summary>
sealed class LockedLogger : Logger
{
    readonly System.Collections.Generic.List<string> _lines = new();
    protected override void Emit(LogLevel level, string message) { lock (_lines) _lines.Add(level + ": " + message); }
    public string[] Lines { get { lock (_lines) return _lines.ToArray(); } }
}

public sealed class UioChannelTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-uio-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(FcopyCases.Names), MemberType = typeof(FcopyCases))]
    public void FileSemanticsTable(string name)
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"));
        using var daemon = new InProcessUioDaemon(host);
        host.Negotiate();
        Directory.CreateDirectory(Path.Combine(_dir, "files"));
        FcopyCases.Run(name, new UioRingFcopyHost(host), Path.Combine(_dir, "files"));
    }

    [Fact]
    public void BindsTheDeviceWhenUioHvGenericHasNotClaimedIt()
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"), bound: false);
        string driver = Path.Combine(host.SysRoot, "bus/vmbus/drivers/uio_hv_generic");
        // The "kernel": once new_id names the fcopy class, the device gets its uio node.
        var kernel = new Thread(() =>
        {
            for (int i = 0; i < 2000 && File.ReadAllText(Path.Combine(driver, "new_id")).Length == 0; i++) Thread.Sleep(5);
            Directory.CreateDirectory(Path.Combine(host.DeviceDir, "uio/uio0"));
        });
        kernel.Start();
        using var daemon = new InProcessUioDaemon(host);
        host.Negotiate();
        kernel.Join();
        Assert.Equal(UioLocator.FcopyClassId, File.ReadAllText(Path.Combine(driver, "new_id")));
        Assert.Contains(daemon.Log.Lines, l => l.Contains("binding the fcopy VMBus device to uio_hv_generic"));
    }

    [Fact]
    public void NegotiationAndUnknownMessagesAreAnsweredInsideTheChannel()
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"));
        using var daemon = new InProcessUioDaemon(host);
        host.Negotiate();
        // A heartbeat (type 1) is not ours: echoed with HV_E_FAIL, service continues.
        byte[] r = host.Exchange(IcMessages.Request(1, new byte[8]));
        Assert.Equal(HvStatus.E_FAIL, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(IcLayout.Status)));
        // An FCOPY payload too short for hv_fcopy_hdr: E_FAIL instead of upstream's exit.
        r = host.Exchange(IcMessages.Request(IcLayout.TypeFcopy, new byte[8]));
        Assert.Equal(HvStatus.E_FAIL, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(IcLayout.Status)));
        // Negotiation offering nothing we speak.
        r = host.Exchange(IcMessages.Negotiation(1, 1, new[] { "1.0", "1.0" }));
        Assert.Equal(HvStatus.E_FAIL, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(IcLayout.Status)));
        Assert.Equal(HvStatus.S_OK, host.Send(FcopyMessages.Cancel()));
        Assert.Contains(daemon.Log.Lines, l => l.Contains("FCopy IC version 1.1"));
        Assert.Contains(daemon.Log.Lines, l => l.Contains("Invalid Fcopy hdr"));
    }

    /// <summary>The locator finds the failure, the loop decides what to do with it: one line,
    /// from the loop, with the errno's name, and never a second one from the locator.</summary>
    [Fact]
    public void AnUnusableRingIsLoggedOnceByTheLoopWithTheErrnoName()
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"));
        using (var ring = new FileStream(Path.Combine(host.DeviceDir, "channels/15/ring"), FileMode.Open)) ring.SetLength(8192);
        using var daemon = new InProcessUioDaemon(host);
        string[] lines = [];
        for (int waited = 0; waited < 20000 && !lines.Any(l => l.Contains("is unusable")); waited += 20)
        {
            Thread.Sleep(20);
            lines = daemon.Log.Lines;
        }
        string[] unusable = lines.Where(l => l.Contains("is unusable")).ToArray();
        Assert.NotEmpty(unusable);
        Assert.All(unusable, l => Assert.StartsWith("Err: Ring buffer size from ", l));
        Assert.All(unusable, l => Assert.EndsWith("is unusable: 8192 bytes; error: 19 No such device (ENODEV)", l));
    }

    [Fact]
    public void NoDeviceMeansNotFoundAndTheLoopEnds()
    {
        var log = new LockedLogger();
        var channel = new UioFcopyChannel(new UioLocator(Path.Combine(_dir, "nosys"), Path.Combine(_dir, "nodev"), log), UioSimulatedDevice.Open, log);
        ChannelResult r = channel.Open();
        Assert.Equal(ChannelEvent.NotFound, r.Event);
        Assert.Contains("no fcopy VMBus device", r.Detail);
    }

    [Theory]
    [InlineData("uio0", true)]
    [InlineData("uio12", true)]
    [InlineData("uio", false)]
    [InlineData("uio0/../../etc", false)]
    [InlineData("uioX", false)]
    [InlineData("..", false)]
    public void UioNodeNamesAreDigitsOnly(string name, bool ok) => Assert.Equal(ok, UioLocator.IsUioName(name));
}
