using System;
using System.Buffers.Binary;
using System.IO;
using HvDaemons.Fcopy;
using HvDaemons.HostSim.Uio;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Tmds.Linux;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>
/// The uio channel against the simulated host's interrupt rules: nothing is sent before the
/// channel is open and unmasked, several packets may wait behind one interrupt, and both
/// interrupt-mask regimes of uio_hv_generic (the driver masking on each interrupt before
/// kernel commit 37bd91f22794, user space owning the mask since) must lose no request.
/// </summary>
public sealed unsafe class UioInterruptTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-uioirq-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static uint Status(byte[] response) => BinaryPrimitives.ReadUInt32LittleEndian(response.AsSpan(IcLayout.Status));

    static byte[] Fcopy(byte[] message) => IcMessages.Request(IcLayout.TypeFcopy, message);

    /// <summary>Whether the channel's epoll set reports something within <paramref name="ms"/>.</summary>
    static bool Readable(int epoll, int ms)
    {
        epoll_event ev = default;
        return LibC.epoll_wait(epoll, &ev, 1, ms) == 1;
    }

    [Theory]
    [InlineData(MaskSemantics.KernelMasks)]   // masked until the daemon clears it
    [InlineData(MaskSemantics.UserOwned)]     // unmasked from the start: only the open counts
    public void TheHostSendsNothingBeforeTheDaemonOpensTheChannel(MaskSemantics semantics)
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"), semantics: semantics);
        var e = Assert.Throws<TimeoutException>(() => host.Exchange(IcMessages.Negotiation(2, 2, ["1.0", "3.0", "1.0", "1.1"]), timeoutMs: 300));
        Assert.Contains("never opened", e.Message);
        Assert.Equal(0, host.Rings.Rx.Readable());
        Assert.Equal(0, host.Interrupts);
    }

    [Theory]
    [InlineData(MaskSemantics.KernelMasks)]
    [InlineData(MaskSemantics.UserOwned)]
    public void EveryPacketQueuedBehindOneInterruptIsAnswered(MaskSemantics semantics)
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"), semantics: semantics);
        using var daemon = new InProcessUioDaemon(host);
        host.Negotiate();
        string files = Path.Combine(_dir, "files");
        Directory.CreateDirectory(files);

        int before = host.Interrupts;
        uint[] copy = host.SendBatch([
            FcopyMessages.Start(files, "batched", 0, host.Encoding),
            FcopyMessages.Write(0, "hello "u8),
            FcopyMessages.Write(6, "world"u8),
            FcopyMessages.Complete(),
        ]);
        Assert.Equal(new[] { HvStatus.S_OK, HvStatus.S_OK, HvStatus.S_OK, HvStatus.S_OK }, copy);
        Assert.Equal("hello world", File.ReadAllText(Path.Combine(files, "batched")));

        var cancels = new byte[12][];
        for (int i = 0; i < cancels.Length; i++) cancels[i] = FcopyMessages.Cancel();
        Assert.All(host.SendBatch(cancels), s => Assert.Equal(HvStatus.S_OK, s));
        // 16 requests, published in two writes: at most one interrupt each.
        Assert.InRange(host.Interrupts - before, 0, 2);
    }

    [Theory]
    [InlineData(MaskSemantics.KernelMasks)]
    [InlineData(MaskSemantics.UserOwned)]
    public void APacketQueuedWhileTheDaemonIsBusyIsFoundAfterUnmasking(MaskSemantics semantics)
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"), semantics: semantics);
        var log = new LockedLogger();
        using var channel = new UioFcopyChannel(new UioLocator(host.SysRoot, host.DevRoot, log) { BindWaitMs = 3000 }, UioSimulatedDevice.Open, log);
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        Assert.Equal(0u, host.RxMask);   // open unmasks under either regime

        byte[] first = host.Post(Fcopy(FcopyMessages.Cancel()))[0];
        Assert.True(Readable(channel.PollFd, 2000), "no wake-up for the first packet");
        var buffer = new byte[FcopyLayout.WriteMessageSize];
        Assert.Equal(ChannelEvent.Ok, channel.Receive(buffer).Event);
        // The old driver masked before waking us; the new one leaves the mask to user space.
        Assert.Equal(semantics == MaskSemantics.KernelMasks ? 1u : 0u, host.RxMask);

        // Arrives while the request is being handled: masked (old) means no interrupt at all.
        int interrupts = host.Interrupts;
        byte[] second = host.Post(Fcopy(FcopyMessages.Cancel()))[0];
        if (semantics == MaskSemantics.KernelMasks) Assert.Equal(interrupts, host.Interrupts);

        var ok = new byte[4];
        Assert.Equal(ChannelEvent.Ok, channel.Send(ok).Event);
        Assert.True(Readable(channel.PollFd, 0), "the re-check after unmasking did not find the queued packet");
        Assert.Equal(ChannelEvent.Ok, channel.Receive(buffer).Event);
        Assert.Equal(ChannelEvent.Ok, channel.Send(ok).Event);

        Assert.Equal(HvStatus.S_OK, Status(host.Collect(first)!));
        Assert.Equal(HvStatus.S_OK, Status(host.Collect(second)!));
        Assert.Null(host.Collect(second));
        // Idle again: the ring is empty and the mask clear, so the next packet interrupts.
        Assert.Equal(ChannelResult.Nothing.Event, channel.Receive(buffer).Event);
        Assert.Equal(0u, host.RxMask);
    }
}
