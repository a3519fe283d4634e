using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Threading;
using HvDaemons.Os;
using Tmds.Linux;

namespace HvDaemons.HostSim.Fuse;

/// <summary>One request read from /dev/fuse.</summary>
internal sealed class FuseRequest(uint opcode, ulong unique, ulong nodeId, uint pid, byte[] body)
{
    public uint Opcode { get; } = opcode;
    public ulong Unique { get; } = unique;
    public ulong NodeId { get; } = nodeId;
    public uint Pid { get; } = pid;
    /// <summary>The bytes after fuse_in_header.</summary>
    public byte[] Body { get; } = body;
}

/// <summary>What serves the requests of a connection.</summary>
internal interface IFuseHandler
{
    void Handle(FuseConnection connection, FuseRequest request);
    /// <summary>The connection is gone (unmounted or disposed): whatever it had open is released.</summary>
    void ConnectionClosed(FuseConnection connection);
}

/// <summary>
/// A FUSE connection spoken directly on /dev/fuse (no libfuse). One thread reads requests and
/// hands them to the handler; replies may be written later from any thread (a blocked read is
/// answered when the host queues a message). The fd is opened inheritable so a launcher can
/// mount it in its own mount namespace; <see cref="MarkCloseOnExec"/> stops further leaks.
/// </summary>
internal sealed unsafe class FuseConnection : IDisposable
{
    readonly IFuseHandler _handler;
    readonly int _stopFd;
    int _fd;
    Thread? _thread;
    int _closedReported;
    bool _mounted;

    FuseConnection(int fd, int stopFd, IFuseHandler handler)
    {
        _fd = fd;
        _stopFd = stopFd;
        _handler = handler;
    }

    /// <summary>The /dev/fuse descriptor (to pass as mount option fd=N).</summary>
    public int Fd => _fd;

    /// <summary>Interrupts that arrived before the request they name (the kernel sends them first).</summary>
    public HashSet<ulong> EarlyInterrupts { get; } = new();

    /// <summary>Negotiated protocol minor (0 until FUSE_INIT).</summary>
    public uint Minor { get; set; }

    public static FuseConnection Open(IFuseHandler handler)
    {
        int fd;
        fixed (byte* path = NativeString.Utf8z("/dev/fuse")) fd = LibC.open(path, LibC.O_RDWR);
        if (fd < 0) throw new InvalidOperationException("open /dev/fuse: " + Errno.Describe(Errno.Last));
        int stop = LibC.eventfd(0, LibC.EFD_CLOEXEC);
        if (stop < 0)
        {
            LibC.close(fd);
            throw new InvalidOperationException("eventfd: " + Errno.Describe(Errno.Last));
        }
        return new FuseConnection(fd, stop, handler);
    }

    public void MarkCloseOnExec() => LibC.fcntl(_fd, LibC.F_SETFD, LibC.FD_CLOEXEC);

    /// <summary>Starts serving; call once the fd is mounted (an unmounted fd polls as an error).</summary>
    public void Start()
    {
        _thread = new Thread(Serve) { IsBackground = true, Name = "fuse-" + _fd };
        _thread.Start();
    }

    void Serve()
    {
        byte[] buffer = new byte[FuseLayout.ReadBufferSize];
        try
        {
            while (true)
            {
                // EINTR is retried inside; any other failure, or the stop, ends the connection.
                SysResult polled = Posix.PollReadable(_fd, _stopFd, -1, out _, out bool stopped);
                if (!polled.Ok || stopped) return;
                long got;
                fixed (byte* b = buffer) got = LibC.read(_fd, b, buffer.Length);
                if (got < 0)
                {
                    int e = LibC.errno;
                    // ENOENT: a request was interrupted before we read it; EINTR/EAGAIN: retry.
                    if (e == LibC.ENOENT || e == LibC.EINTR || e == LibC.EAGAIN) continue;
                    // EPERM: not mounted yet (the launcher is still setting up).
                    if (e == LibC.EPERM && !_mounted) { Thread.Sleep(5); continue; }
                    return;   // ENODEV: unmounted; anything else: the connection is unusable
                }
                _mounted = true;
                if (got < FuseLayout.InHeaderSize) continue;
                ReadOnlySpan<byte> m = buffer.AsSpan(0, (int)got);
                uint len = BinaryPrimitives.ReadUInt32LittleEndian(m[FuseLayout.InLen..]);
                if (len > got) len = (uint)got;
                var request = new FuseRequest(
                    BinaryPrimitives.ReadUInt32LittleEndian(m[FuseLayout.InOpcode..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(m[FuseLayout.InUnique..]),
                    BinaryPrimitives.ReadUInt64LittleEndian(m[FuseLayout.InNodeId..]),
                    BinaryPrimitives.ReadUInt32LittleEndian(m[FuseLayout.InPid..]),
                    m[FuseLayout.InHeaderSize..(int)len].ToArray());
                _handler.Handle(this, request);
                if (request.Opcode == FuseOp.Destroy) return;
            }
        }
        finally
        {
            ReportClosed();
        }
    }

    void ReportClosed()
    {
        if (Interlocked.Exchange(ref _closedReported, 1) == 0) _handler.ConnectionClosed(this);
    }

    /// <summary>Answers a request. False when the kernel no longer waits for it (ENOENT: the
    /// caller was interrupted or killed), so the caller can keep what it meant to deliver.</summary>
    public bool Reply(ulong unique, ReadOnlySpan<byte> payload) => Send(unique, 0, payload);

    public bool ReplyError(ulong unique, int errno) => Send(unique, -errno, default);

    /// <summary>FUSE_NOTIFY_POLL: wakes the poller registered under <paramref name="kh"/>.</summary>
    public void NotifyPoll(ulong kh)
    {
        Span<byte> khBytes = stackalloc byte[8];
        BinaryPrimitives.WriteUInt64LittleEndian(khBytes, kh);
        Send(0, FuseLayout.NotifyPoll, khBytes);
    }

    bool Send(ulong unique, int error, ReadOnlySpan<byte> payload)
    {
        int fd = _fd;
        if (fd < 0) return false;
        int total = FuseLayout.OutHeaderSize + payload.Length;
        byte[] message = new byte[total];
        BinaryPrimitives.WriteUInt32LittleEndian(message.AsSpan(FuseLayout.OutLen), (uint)total);
        BinaryPrimitives.WriteInt32LittleEndian(message.AsSpan(FuseLayout.OutError), error);
        BinaryPrimitives.WriteUInt64LittleEndian(message.AsSpan(FuseLayout.OutUnique), unique);
        payload.CopyTo(message.AsSpan(FuseLayout.OutHeaderSize));
        long r;
        fixed (byte* b = message) r = LibC.write(fd, b, total);
        return r == total;
    }

    public void Dispose()
    {
        ulong one = 1;
        LibC.write(_stopFd, (byte*)&one, 8);
        if (_thread is not null && Thread.CurrentThread != _thread) _thread.Join(5000);
        ReportClosed();
        int fd = Interlocked.Exchange(ref _fd, -1);
        // Closing the last /dev/fuse descriptor aborts the connection: anything still blocked in
        // the mount gets ENOTCONN instead of hanging.
        if (fd >= 0) LibC.close(fd);
        LibC.close(_stopFd);
    }
}
