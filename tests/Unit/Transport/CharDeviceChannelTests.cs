using System;
using System.Buffers.Binary;
using System.IO;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Tmds.Linux;
using Xunit;

namespace HvDaemons.Tests.Transport;

/// <summary>
/// CharDeviceChannel over a FIFO standing in for /dev/vmbus/hv_*: one write is one message and
/// one read returns what was written, so the test plays the kernel's side of the device.
/// </summary>
public sealed unsafe class CharDeviceChannelTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-chardev-").FullName;
    readonly string _fifo;
    FileDescriptor? _kernel;   // the test's end of the FIFO

    public CharDeviceChannelTests()
    {
        _fifo = Path.Combine(_dir, "hv_fcopy");
        byte[] path = System.Text.Encoding.UTF8.GetBytes(_fifo + "\0");
        fixed (byte* p = path) Assert.Equal(0, LibC.mkfifo(p, 0x180));
    }

    public void Dispose()
    {
        _kernel?.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    FileDescriptor Kernel()
    {
        if (_kernel is null)
        {
            SysResult r = Posix.Open(_fifo, Posix.O_RDWR | Posix.O_NONBLOCK, 0, out FileDescriptor fd);
            Assert.True(r.Ok, "open fifo: " + r.Error);
            _kernel = fd;
        }
        return _kernel;
    }

    byte[] KernelReads(int max)
    {
        var buffer = new byte[max];
        SysResult r = Posix.ReadOnce(Kernel(), buffer);
        Assert.True(r.Ok, "kernel side read: errno " + r.Error);
        return buffer.AsSpan(0, (int)r.Value).ToArray();
    }

    [Fact]
    public void OpenWritesTheRegistrationAndExposesThePollFd()
    {
        using var channel = new CharDeviceChannel(_fifo, new FcopyRegistration());
        Assert.Equal(-1, channel.PollFd);
        Assert.True(channel.ReceiveBlocks);
        Assert.Equal(_fifo, channel.Description);
        Assert.IsType<FcopyRegistration>(channel.Registration);

        Kernel();   // a reader end first, so the registration write has somewhere to go
        ChannelResult opened = channel.Open();
        Assert.Equal(ChannelEvent.Ok, opened.Event);
        Assert.True(channel.PollFd > 2, "PollFd " + channel.PollFd);

        byte[] request = KernelReads(64);
        Assert.Equal(FcopyLayout.ReplySize, request.Length);
        Assert.Equal(FcopyOp.CurrentVersion, BinaryPrimitives.ReadUInt32LittleEndian(request));

        channel.Close();
        Assert.Equal(-1, channel.PollFd);
    }

    [Fact]
    public void ReceiveReturnsOneMessageAndSendWritesTheWholeReply()
    {
        using var channel = new CharDeviceChannel(_fifo, new FcopyRegistration());
        Kernel();
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        KernelReads(64);

        byte[] message = { 1, 2, 3, 4, 5, 6, 7 };
        Assert.Equal(message.Length, (int)Posix.Write(Kernel(), message).Value);
        var buffer = new byte[100];
        ChannelResult got = channel.Receive(buffer);
        Assert.Equal(ChannelEvent.Ok, got.Event);
        Assert.Equal(message.Length, got.Length);
        Assert.Equal(message, buffer.AsSpan(0, got.Length).ToArray());

        byte[] reply = { 9, 8, 7 };
        ChannelResult sent = channel.Send(reply);
        Assert.Equal(ChannelEvent.Ok, sent.Event);
        Assert.Equal(reply.Length, sent.Length);
        Assert.Equal(reply, KernelReads(64));
    }

    [Fact]
    public void ReopenClosesThePreviousDescriptor()
    {
        using var channel = new CharDeviceChannel(_fifo, new FcopyRegistration());
        Kernel();
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        int first = channel.PollFd;
        Assert.Equal(ChannelEvent.Ok, channel.Open().Event);
        // The first descriptor was released before the second open, so its number is reused.
        Assert.Equal(first, channel.PollFd);
        Assert.Equal(2 * FcopyLayout.ReplySize, KernelReads(64).Length);
    }

    [Fact]
    public void MissingDeviceIsNotFoundWithTheOpenDetail()
    {
        string missing = Path.Combine(_dir, "hv_kvp");
        using var channel = new CharDeviceChannel(missing, new KvpRegistration());
        ChannelResult r = channel.Open();
        Assert.Equal(ChannelEvent.NotFound, r.Event);
        Assert.Equal(Errno.ENOENT, r.Errno);
        Assert.Equal("open " + missing, r.Detail);
        Assert.Equal(-1, channel.PollFd);
    }

    [Fact]
    public void OtherOpenErrorsFailWithErrnoAndDetail()
    {
        // A directory cannot be opened read-write: EISDIR, neither busy nor missing.
        using var channel = new CharDeviceChannel(_dir, new VssRegistration());
        ChannelResult r = channel.Open();
        Assert.Equal(ChannelEvent.Failed, r.Event);
        Assert.Equal(Errno.EISDIR, r.Errno);
        Assert.Equal("open " + _dir, r.Detail);
        Assert.Equal(-1, channel.PollFd);
    }

    [Fact]
    public void FailedRegistrationWriteClosesAndReportsTheErrno()
    {
        // /dev/full accepts the open and fails every write with ENOSPC (nothing is written anywhere).
        using var channel = new CharDeviceChannel("/dev/full", new VssRegistration());
        ChannelResult r = channel.Open();
        Assert.Equal(ChannelEvent.RegistrationFailed, r.Event);
        Assert.Equal(Errno.ENOSPC, r.Errno);
        Assert.Equal(-1, channel.PollFd);
    }

    [Fact]
    public void ReceiveAndSendBeforeOpenFailWithEbadf()
    {
        using var channel = new CharDeviceChannel(_fifo, new KvpRegistration());
        ChannelResult read = channel.Receive(new byte[16]);
        Assert.Equal(ChannelEvent.Failed, read.Event);
        Assert.Equal(Errno.EBADF, read.Errno);
        ChannelResult write = channel.Send(new byte[4]);
        Assert.Equal(ChannelEvent.Failed, write.Event);
        Assert.Equal(Errno.EBADF, write.Errno);
    }
}
