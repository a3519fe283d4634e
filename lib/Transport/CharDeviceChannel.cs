using System;
using HvDaemons.Os;

namespace HvDaemons.Transport;

/// <summary>
/// /dev/vmbus/hv_{kvp,vss,fcopy}: one read is one message, one write is one reply (docs/protocol.md §1).
/// The kernel blocks reads even with O_NONBLOCK: the loop either polls before reading or
/// reads blocking and ends the read with a signal (EINTR comes back as a failure).
/// </summary>
public sealed class CharDeviceChannel : IHostChannel
{
    readonly string _path;
    readonly IRegistration _registration;
    FileDescriptor? _fd;

    public CharDeviceChannel(string path, IRegistration registration)
    {
        _path = path;
        _registration = registration;
    }

    public string Description => _path;
    public IRegistration Registration => _registration;
    public int PollFd => _fd is null ? -1 : _fd.Fd;
    public bool ReceiveBlocks => true;

    public ChannelResult Open()
    {
        Close();
        SysResult r = Posix.Open(_path, Posix.O_RDWR, 0, out FileDescriptor fd);
        if (!r.Ok)
        {
            fd.Dispose();
            return r.Error switch
            {
                Errno.EBUSY => new ChannelResult(ChannelEvent.Busy, 0, r.Error, "open " + _path),
                Errno.ENOENT => new ChannelResult(ChannelEvent.NotFound, 0, r.Error, "open " + _path),
                _ => ChannelResult.Failed(r.Error, "open " + _path),
            };
        }
        _fd = fd;
        Span<byte> request = stackalloc byte[_registration.RequestSize];
        request.Clear();
        _registration.WriteRequest(request);
        r = Posix.Write(fd, request);
        if (!r.Ok || r.Value != request.Length)
        {
            Close();
            return new ChannelResult(ChannelEvent.RegistrationFailed, 0, r.Ok ? Errno.EIO : r.Error);
        }
        return ChannelResult.Ok();
    }

    public ChannelResult Receive(Span<byte> buffer)
    {
        if (_fd is null) return ChannelResult.Failed(Errno.EBADF);
        SysResult r = Posix.ReadOnce(_fd, buffer);
        if (!r.Ok) return ChannelResult.Failed(r.Error);
        int length = (int)r.Value;
        return ChannelResult.Ok(length);
    }

    public ChannelResult Send(ReadOnlySpan<byte> reply)
    {
        if (_fd is null) return ChannelResult.Failed(Errno.EBADF);
        SysResult r = Posix.Write(_fd, reply);
        if (!r.Ok) return ChannelResult.Failed(r.Error);
        if (r.Value != reply.Length) return ChannelResult.Failed(Errno.EIO, "short write");
        return ChannelResult.Ok((int)r.Value);
    }

    public void Close()
    {
        _fd?.Dispose();
        _fd = null;
    }

    public void Dispose() => Close();
}
