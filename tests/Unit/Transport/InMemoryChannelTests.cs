using System;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Transport;

/// <summary>
/// The in-memory kernel every service test stands on: if it queued, woke or failed differently
/// from the device, those tests would check the wrong thing. Pollability, order, scripted failures.
/// </summary>
public class InMemoryChannelTests
{
    static readonly byte[] Handshake = { 0x81, 0, 0, 0 };

    static bool Readable(int fd)
    {
        Assert.True(Posix.PollReadable(fd, -1, 0, out bool ready, out _).Ok);
        return ready;
    }

    [Fact]
    public void ClosedUntilOpenedAndPollableOnlyWhileSomethingIsQueued()
    {
        using var channel = new InMemoryChannel(new VssRegistration(), Handshake);
        Assert.False(channel.IsOpen);
        Assert.Equal(-1, channel.PollFd);
        Assert.Equal("in-memory", channel.Description);

        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        Assert.True(channel.IsOpen);
        Assert.True(channel.PollFd >= 0);
        Assert.Equal(1, channel.Opens);
        Assert.Single(channel.Registrations);
        Assert.Equal(VssLayout.MessageSize, channel.Registrations[0].Length);
        Assert.True(Readable(channel.PollFd), "the handshake reply does not wake the poll");

        var buffer = new byte[64];
        ChannelResult r = channel.Receive(buffer);
        Assert.Equal((ChannelEvent.Ok, Handshake.Length), (r.Event, r.Length));
        Assert.False(Readable(channel.PollFd), "still readable with nothing queued");
        ChannelResult none = channel.Receive(buffer);
        Assert.Equal((ChannelEvent.Failed, Errno.EAGAIN), (none.Event, none.Errno));
    }

    [Fact]
    public void TheHandshakeReplyComesBeforeRequestsQueuedEarlierAndEachStaysPollable()
    {
        using var channel = new InMemoryChannel(new VssRegistration(), Handshake);
        channel.QueueFromHost(new byte[] { 1 });   // before open: no pipe yet
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        channel.QueueFromHost(new byte[] { 2, 2 });

        var buffer = new byte[64];
        Assert.Equal(Handshake.Length, channel.Receive(buffer).Length);
        Assert.True(Readable(channel.PollFd), "two left, but no wake-up");
        Assert.Equal(1, channel.Receive(buffer).Length);
        Assert.Equal(1, buffer[0]);
        Assert.True(Readable(channel.PollFd), "one left, but no wake-up");
        Assert.Equal(2, channel.Receive(buffer).Length);
        Assert.False(Readable(channel.PollFd));
    }

    [Fact]
    public void AMessageLargerThanTheBufferStaysQueued()
    {
        using var channel = new InMemoryChannel(new VssRegistration(), Handshake);
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        ChannelResult r = channel.Receive(new byte[2]);
        Assert.Equal((ChannelEvent.Failed, Errno.EINVAL), (r.Event, r.Errno));
        Assert.Equal(Handshake.Length, channel.Receive(new byte[8]).Length);
    }

    [Theory]
    [InlineData(Errno.EBUSY, ChannelEvent.Busy)]
    [InlineData(Errno.ENOENT, ChannelEvent.NotFound)]
    [InlineData(Errno.EIO, ChannelEvent.Failed)]
    public void AScriptedOpenFailureHappensOnce(Errno errno, ChannelEvent expected)
    {
        using var channel = new InMemoryChannel(new KvpRegistration(), Handshake);
        channel.FailNextOpenWith = errno;
        ChannelResult r = channel.Open();
        Assert.Equal((expected, errno), (r.Event, r.Errno));
        Assert.False(channel.IsOpen);
        Assert.Empty(channel.Registrations);
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        Assert.Equal(2, channel.Opens);
    }

    [Fact]
    public void AScriptedSendFailureHappensOnceAndAfterSendSeesBoth()
    {
        using var channel = new InMemoryChannel(new FcopyRegistration(), Handshake);
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        int calls = 0;
        channel.AfterSend = _ => calls++;
        channel.FailNextSendWith = Errno.EINVAL;
        ChannelResult failed = channel.Send(new byte[] { 7 });
        Assert.Equal((ChannelEvent.Failed, Errno.EINVAL), (failed.Event, failed.Errno));
        Assert.Empty(channel.Replies);
        ChannelResult ok = channel.Send(new byte[] { 8, 9 });
        Assert.Equal((ChannelEvent.Ok, 2), (ok.Event, ok.Length));
        Assert.Equal(new byte[] { 8, 9 }, Assert.Single(channel.Replies));
        Assert.Equal(2, calls);
    }

    [Fact]
    public void CloseDiscardsWhatWasUnreadAndReopenStartsWithTheHandshake()
    {
        using var channel = new InMemoryChannel(new VssRegistration(), Handshake);
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        channel.QueueFromHost(new byte[] { 3 });
        channel.Close();
        Assert.False(channel.IsOpen);
        Assert.Equal(-1, channel.PollFd);
        Assert.Equal(ChannelEvent.Failed, channel.Receive(new byte[8]).Event);
        channel.Close();   // twice is harmless

        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        var buffer = new byte[8];
        Assert.Equal(Handshake.Length, channel.Receive(buffer).Length);
        Assert.Equal(ChannelEvent.Failed, channel.Receive(buffer).Event);
    }
}
