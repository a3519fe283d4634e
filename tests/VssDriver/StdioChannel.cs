using System;
using HvDaemons.Os;
using HvDaemons.Transport;
using Tmds.Linux;

namespace HvDaemons.Tests.VssDriver;

/// <summary>
/// A stand-in for /dev/vmbus/hv_vss: requests are 12-byte messages on stdin, replies go to
/// stdout. Registration is accepted at once (version 129). End of input is the device going
/// away: the next open fails, which takes the daemon down its fatal path.
/// </summary>
sealed unsafe class StdioChannel : IHostChannel
{
    const int MessageSize = 12;
    readonly FileDescriptor _in = new(0, ownsHandle: false);
    readonly FileDescriptor _out = new(1, ownsHandle: false);
    int _wakeRead = -1, _wakeWrite = -1;
    bool _eof;

    public string Description => "stdio";
    /// <summary>None: this stand-in answers the registration itself.</summary>
    public IRegistration? Registration => null;
    bool InHandshake { get; set; }
    public int PollFd => InHandshake ? _wakeRead : 0;

    public ChannelResult Open()
    {
        if (_eof) return new ChannelResult(ChannelEvent.NotFound, 0, Errno.ENOENT, "open stdio");
        Close();
        int* fds = stackalloc int[2];
        LibC.pipe2(fds, LibC.O_CLOEXEC | LibC.O_NONBLOCK);
        _wakeRead = fds[0];
        _wakeWrite = fds[1];
        byte b = 1;
        LibC.write(_wakeWrite, &b, 1);   // the "kernel's" registration reply is ready at once
        InHandshake = true;
        return ChannelResult.Ok();
    }

    public ChannelResult Receive(Span<byte> buffer)
    {
        if (InHandshake)
        {
            InHandshake = false;
            return new ChannelResult(ChannelEvent.Registered, 4, 0, "129");
        }
        int got = 0;
        while (got < MessageSize)
        {
            SysResult r = Posix.Read(_in, buffer[got..MessageSize]);
            if (!r.Ok) return ChannelResult.Failed(r.Error, "read");
            if (r.Value == 0)
            {
                _eof = true;
                return ChannelResult.Failed(Errno.EBADF, "read");
            }
            got += (int)r.Value;
        }
        return ChannelResult.Ok(got);
    }

    public ChannelResult Send(ReadOnlySpan<byte> reply)
    {
        SysResult r = Posix.Write(_out, reply);
        return r.Ok ? ChannelResult.Ok((int)r.Value) : ChannelResult.Failed(r.Error, "write");
    }

    public void Close()
    {
        if (_wakeRead >= 0) { LibC.close(_wakeRead); LibC.close(_wakeWrite); }
        _wakeRead = _wakeWrite = -1;
        InHandshake = false;
    }

    public void Dispose() => Close();
}
