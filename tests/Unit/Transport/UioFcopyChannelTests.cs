using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using HvDaemons.HostSim.Uio;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Tests.Fcopy;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Tmds.Linux;
using Xunit;

namespace HvDaemons.Tests.Transport;

/// <summary>
/// UioFcopyChannel driven directly against the simulated ring host: what it answers itself
/// (negotiations, unknown types), how one Receive bounds its work, what Send does with odd
/// replies, and what Open and Close do with the device.
/// </summary>
public sealed unsafe class UioFcopyChannelTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-uiochan-").FullName;
    readonly UioRingHost _host;
    readonly LockedLogger _log = new();
    readonly List<CountingDevice> _devices = new();
    readonly byte[] _buffer = new byte[FcopyLayout.WriteMessageSize];

    public UioFcopyChannelTests() => _host = new UioRingHost(Path.Combine(_dir, "env"));

    public void Dispose()
    {
        _host.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>The simulated device, with its disposals counted.</summary>
    sealed class CountingDevice(IUioDevice inner) : IUioDevice
    {
        public int Disposed;
        public string Description => inner.Description;
        public int EventFd => inner.EventFd;
        public SysResult ReadInterruptCount() => inner.ReadInterruptCount();
        public SysResult WriteIrqControl(uint value) => inner.WriteIrqControl(value);
        public SysResult MapRings(long length, out SharedMapping? mapping) => inner.MapRings(length, out mapping);
        public void Dispose() { Disposed++; inner.Dispose(); }
    }

    UioFcopyChannel Channel() => new(new UioLocator(_host.SysRoot, _host.DevRoot, _log) { BindWaitMs = 3000 }, Open, _log);

    SysResult Open(string path, out IUioDevice? device)
    {
        SysResult r = UioSimulatedDevice.Open(path, out IUioDevice? inner);
        device = null;
        if (!r.Ok) return r;
        var counting = new CountingDevice(inner!);
        _devices.Add(counting);
        device = counting;
        return r;
    }

    static byte[] Agreeable() => IcMessages.Negotiation(2, 2, ["1.0", "3.0", "1.0", "1.1"]);
    static uint Status(byte[] response) => BinaryPrimitives.ReadUInt32LittleEndian(response.AsSpan(IcLayout.Status));

    static bool Readable(int epoll, int ms)
    {
        epoll_event ev = default;
        return LibC.epoll_wait(epoll, &ev, 1, ms) == 1;
    }

    [Fact]
    public void BeforeOpenNothingWorksAndNothingIsOpen()
    {
        using var channel = Channel();
        Assert.Equal("uio fcopy device", channel.Description);
        Assert.Equal(-1, channel.PollFd);
        Assert.Null(channel.Registration);
        Assert.True(channel.NamesAreUtf16);
        ChannelResult read = channel.Receive(_buffer);
        Assert.Equal((ChannelEvent.Failed, Errno.EBADF, "not open"), (read.Event, read.Errno, read.Detail));
        ChannelResult write = channel.Send(new byte[4]);
        Assert.Equal((ChannelEvent.Failed, Errno.EBADF, "no request to answer"), (write.Event, write.Errno, write.Detail));
    }

    [Fact]
    public void OnlyTheFirstAgreedNegotiationIsTheRegistration()
    {
        using var channel = Channel();
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        Assert.EndsWith("(simulated)", channel.Description);

        byte[] first = _host.Post(Agreeable())[0];
        ChannelResult r = channel.Receive(_buffer);
        Assert.Equal(ChannelEvent.Registered, r.Event);
        Assert.Equal("1.1", r.Detail);
        Assert.Equal(1, channel.Negotiations);
        Assert.Equal(HvStatus.S_OK, Status(_host.Collect(first)!));

        byte[] again = _host.Post(Agreeable())[0];
        Assert.Equal(ChannelEvent.Nothing, channel.Receive(_buffer).Event);
        Assert.Equal(2, channel.Negotiations);
        Assert.Equal(HvStatus.S_OK, Status(_host.Collect(again)!));

        byte[] refused = _host.Post(IcMessages.Negotiation(1, 1, ["1.0", "1.0"]))[0];
        Assert.Equal(ChannelEvent.Nothing, channel.Receive(_buffer).Event);
        Assert.Equal(2, channel.Negotiations);
        Assert.Equal(HvStatus.E_FAIL, Status(_host.Collect(refused)!));
    }

    [Fact]
    public void AnUnknownMessageTypeIsAnsweredWithFailure()
    {
        using var channel = Channel();
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        byte[] odd = _host.Post(IcMessages.Request(99, new byte[8]))[0];   // status field 0 = S_OK as sent
        Assert.Equal(ChannelEvent.Nothing, channel.Receive(_buffer).Event);
        Assert.Equal(HvStatus.E_FAIL, Status(_host.Collect(odd)!));
    }

    [Fact]
    public void AShortReplyIsAFailureAndEachRequestIsAnsweredOnce()
    {
        using var channel = Channel();
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        byte[] cancel = _host.Post(IcMessages.Request(IcLayout.TypeFcopy, FcopyMessages.Cancel()))[0];
        ChannelResult r = channel.Receive(_buffer);
        Assert.Equal(ChannelEvent.Ok, r.Event);
        Assert.Equal(FcopyMessages.Cancel(), _buffer.AsSpan(0, r.Length).ToArray());

        Assert.Equal(ChannelEvent.Ok, channel.Send(new byte[2]).Event);   // too short to carry a status
        Assert.Equal(HvStatus.E_FAIL, Status(_host.Collect(cancel)!));
        ChannelResult twice = channel.Send(new byte[4]);
        Assert.Equal((ChannelEvent.Failed, Errno.EBADF), (twice.Event, twice.Errno));
        Assert.Null(_host.Collect(cancel));
    }

    [Fact]
    public void ARequestLeftUnansweredIsDroppedOnTheNextReceive()
    {
        using var channel = Channel();
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        _host.Post(IcMessages.Request(IcLayout.TypeFcopy, FcopyMessages.Cancel()));
        Assert.Equal(ChannelEvent.Ok, channel.Receive(_buffer).Event);
        Assert.Equal(ChannelEvent.Nothing, channel.Receive(_buffer).Event);
        Assert.Contains(_log.Lines, l => l.Contains("left unanswered"));
        Assert.Equal(ChannelEvent.Failed, channel.Send(new byte[4]).Event);
    }

    [Fact]
    public void OneReceiveHandlesAtMost64PacketsAndAsksToBeCalledAgain()
    {
        using var channel = Channel();
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        _host.Post(Agreeable());
        Assert.Equal(ChannelEvent.Registered, channel.Receive(_buffer).Event);

        var batch = new byte[65][];
        for (int i = 0; i < batch.Length; i++) batch[i] = Agreeable();
        _host.Post(batch);
        Assert.Equal(ChannelEvent.Nothing, channel.Receive(_buffer).Event);
        Assert.Equal(1 + 64, channel.Negotiations);
        Assert.NotEqual(0, _host.Rings.Rx.Readable());              // one left for the next call
        Assert.True(Readable(channel.PollFd, 0), "no wake-up for the packet left behind");

        Assert.Equal(ChannelEvent.Nothing, channel.Receive(_buffer).Event);
        Assert.Equal(1 + 65, channel.Negotiations);
        Assert.Equal(0, _host.Rings.Rx.Readable());
        Assert.False(Readable(channel.PollFd, 0), "the wake-up was not consumed");
        Assert.Equal(0u, _host.RxMask);
    }

    [Fact]
    public void OpenReleasesThePreviousDeviceAndCloseReleasesEverything()
    {
        using var channel = Channel();
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        Assert.Equal(2, _devices.Count);
        Assert.Equal(1, _devices[0].Disposed);
        Assert.Equal(0, _devices[1].Disposed);
        Assert.True(channel.PollFd >= 0);

        channel.Close();
        Assert.Equal(1, _devices[1].Disposed);
        Assert.Equal(-1, channel.PollFd);
        Assert.Equal("uio fcopy device", channel.Description);
        Assert.Equal(ChannelEvent.Failed, channel.Receive(_buffer).Event);
        channel.Close();   // twice is harmless
        Assert.Equal(1, _devices[1].Disposed);
    }

    [Fact]
    public void OpenFailuresSayWhichStepFailed()
    {
        var log = new LockedLogger();
        var locator = new UioLocator(_host.SysRoot, _host.DevRoot, log) { BindWaitMs = 3000 };
        string node = Path.Combine(_host.DevRoot, "uio0");

        using var missing = new UioFcopyChannel(locator, Fails(Errno.ENOENT), log);
        ChannelResult r = missing.Open();
        Assert.Equal((ChannelEvent.NotFound, Errno.ENOENT), (r.Event, r.Errno));
        Assert.StartsWith("open ", r.Detail);

        using var denied = new UioFcopyChannel(locator, Fails(Errno.EACCES), log);
        r = denied.Open();
        Assert.Equal((ChannelEvent.Failed, Errno.EACCES), (r.Event, r.Errno));
        Assert.StartsWith("open ", r.Detail);

        var unmappable = new UnmappableDevice();
        using var noMap = new UioFcopyChannel(locator, (string _, out IUioDevice? d) => { d = unmappable; return SysResult.Success(); }, log);
        r = noMap.Open();
        Assert.Equal((ChannelEvent.Failed, Errno.ENOMEM), (r.Event, r.Errno));
        Assert.StartsWith("mmap ", r.Detail);
        Assert.True(unmappable.Disposed);
        Assert.Equal(-1, noMap.PollFd);
    }

    static UioDeviceOpener Fails(Errno errno) => (string _, out IUioDevice? d) => { d = null; return SysResult.Fail(errno); };

    sealed class UnmappableDevice : IUioDevice
    {
        public bool Disposed;
        public string Description => "unmappable";
        public int EventFd => -1;
        public SysResult ReadInterruptCount() => SysResult.Fail(Errno.EAGAIN);
        public SysResult WriteIrqControl(uint value) => SysResult.Success();
        public SysResult MapRings(long length, out SharedMapping? mapping) { mapping = null; return SysResult.Fail(Errno.ENOMEM); }
        public void Dispose() => Disposed = true;
    }
}
