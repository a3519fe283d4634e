using System;
using HvDaemons.Os;

namespace HvDaemons.Transport;

/// <summary>
/// /dev/vmbus/hv_{kvp,vss,fcopy}: one read is one message, one write is one reply (docs/protocol.md §1).
/// The kernel blocks reads even with O_NONBLOCK, so the loop polls before reading.
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
    public bool InHandshake { get; private set; }
    public int PollFd => _fd is null ? -1 : _fd.Fd;

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
            return ChannelResult.Failed(r.Ok ? Errno.EIO : r.Error, "registration");
        }
        InHandshake = true;
        return ChannelResult.Ok();
    }

    public ChannelResult Receive(Span<byte> buffer)
    {
        if (_fd is null) return ChannelResult.Failed(Errno.EBADF, "read");
        SysResult r = Posix.Read(_fd, buffer);
        if (!r.Ok) return ChannelResult.Failed(r.Error, "read");
        int length = (int)r.Value;
        if (InHandshake)
        {
            switch (_registration.Check(buffer[..length], out string version))
            {
                case HandshakeOutcome.Accepted:
                    InHandshake = false;
                    return new ChannelResult(ChannelEvent.Registered, length, 0, version);
                case HandshakeOutcome.Rejected:
                    return new ChannelResult(ChannelEvent.HandshakeRejected, length, 0, "invalid version negotiation");
            }
        }
        return ChannelResult.Ok(length);
    }

    public ChannelResult Send(ReadOnlySpan<byte> reply)
    {
        if (_fd is null) return ChannelResult.Failed(Errno.EBADF, "write");
        SysResult r = Posix.Write(_fd, reply);
        if (!r.Ok) return ChannelResult.Failed(r.Error, "write");
        if (r.Value != reply.Length) return ChannelResult.Failed(Errno.EIO, "short write");
        return ChannelResult.Ok((int)r.Value);
    }

    public void Close()
    {
        _fd?.Dispose();
        _fd = null;
        InHandshake = false;
    }

    public void Dispose() => Close();
}
