using System;
using System.Collections.Generic;
using HvDaemons.Os;

namespace HvDaemons.Transport;

/// <summary>
/// An in-memory kernel for unit tests: it records registrations, answers them the way the
/// kernel does, queues host requests and collects replies. Failures are scripted (EBUSY on
/// open, EINVAL on a reply write). A pipe makes it pollable like the real device.
/// </summary>
public sealed class InMemoryChannel : IHostChannel
{
    readonly IRegistration _registration;
    readonly byte[] _handshakeReply;
    readonly Queue<byte[]> _toDaemon = new();
    FileDescriptor? _read;
    FileDescriptor? _write;

    /// <param name="handshakeReply">What the kernel queues after a valid registration.</param>
    public InMemoryChannel(IRegistration registration, byte[] handshakeReply)
    {
        _registration = registration;
        _handshakeReply = handshakeReply;
    }

    public string Description => "in-memory";
    public IRegistration Registration => _registration;
    public int PollFd => _read?.Fd ?? -1;
    public bool IsOpen => _read is not null;

    /// <summary>Every registration message written, in order.</summary>
    public List<byte[]> Registrations { get; } = new();
    /// <summary>Every reply written, in order.</summary>
    public List<byte[]> Replies { get; } = new();
    public int Opens { get; private set; }

    /// <summary>errno for the next Open (e.g. EBUSY); None succeeds.</summary>
    public Errno FailNextOpenWith { get; set; }
    /// <summary>errno for the next reply write (e.g. EINVAL after a kernel timeout); None succeeds.</summary>
    public Errno FailNextSendWith { get; set; }
    /// <summary>Invoked after each reply or failure, so a test can queue the next request or stop.</summary>
    public Action<InMemoryChannel>? AfterSend { get; set; }

    public void QueueFromHost(byte[] message)
    {
        _toDaemon.Enqueue(message);
        Wake();
    }

    public ChannelResult Open()
    {
        Opens++;
        if (FailNextOpenWith != 0)
        {
            Errno e = FailNextOpenWith;
            FailNextOpenWith = 0;
            return e switch
            {
                Errno.EBUSY => new ChannelResult(ChannelEvent.Busy, 0, e),
                Errno.ENOENT => new ChannelResult(ChannelEvent.NotFound, 0, e),
                _ => ChannelResult.Failed(e),
            };
        }
        Posix.Pipe(nonBlocking: true, out FileDescriptor read, out FileDescriptor write);
        _read = read;
        _write = write;
        var request = new byte[_registration.RequestSize];
        _registration.WriteRequest(request);
        Registrations.Add(request);
        // The kernel queues its reply ahead of any host request.
        var pending = new List<byte[]>(_toDaemon);
        _toDaemon.Clear();
        _toDaemon.Enqueue(_handshakeReply);
        foreach (byte[] m in pending) _toDaemon.Enqueue(m);
        Wake();
        return ChannelResult.Ok();
    }

    public ChannelResult Receive(Span<byte> buffer)
    {
        if (_read is null) return ChannelResult.Failed(Errno.EBADF);
        Span<byte> drain = stackalloc byte[64];
        while (Posix.Read(_read, drain).Value > 0) { }
        if (_toDaemon.Count == 0) return ChannelResult.Failed(Errno.EAGAIN);
        byte[] m = _toDaemon.Peek();
        if (buffer.Length < m.Length) return ChannelResult.Failed(Errno.EINVAL);  // stays queued
        _toDaemon.Dequeue();
        if (_toDaemon.Count > 0) Wake();
        m.CopyTo(buffer);
        return ChannelResult.Ok(m.Length);
    }

    public ChannelResult Send(ReadOnlySpan<byte> reply)
    {
        ChannelResult result;
        if (FailNextSendWith != 0)
        {
            result = ChannelResult.Failed(FailNextSendWith);
            FailNextSendWith = 0;
        }
        else
        {
            Replies.Add(reply.ToArray());
            result = ChannelResult.Ok(reply.Length);
        }
        AfterSend?.Invoke(this);
        return result;
    }

    void Wake()
    {
        if (_write is not null) Posix.Write(_write, stackalloc byte[] { 1 });
    }

    public void Close()
    {
        _read?.Dispose();
        _write?.Dispose();
        _read = _write = null;
        _toDaemon.Clear();   // like the kernel: unread messages are discarded on release
    }

    public void Dispose() => Close();
}
