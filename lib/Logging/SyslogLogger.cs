using System;
using System.Collections.Generic;
using System.Text;
using HvDaemons.Os;
using Tmds.Linux;

namespace HvDaemons.Logging;

/// <summary>
/// RFC 3164 datagrams to /dev/log with facility LOG_USER, as glibc's syslog() sends them.
/// Sends never block: a line that would block (or finds no listener) is held in a small queue
/// and retried on the next line or <see cref="Flush"/>. The VSS daemon relies on that while
/// filesystems are frozen: a blocked log write must not hold up a thaw. When the socket does
/// not exist at all, lines go to stderr instead, except while <see cref="Logger.DeferLocalOutput"/>
/// is set: then they wait in memory, since stderr may be a file on a frozen disk.
/// </summary>
public sealed unsafe class SyslogLogger : Logger, IDisposable
{
    const int LogUser = 1 << 3;
    const int MaxPending = 256;
    static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    readonly string _ident;
    readonly string _socketPath;
    readonly Queue<byte[]> _pending = new();
    readonly Queue<(LogLevel Level, string Message)> _deferredLocal = new();
    bool _deferLocal;
    int _fd = -1;

    public SyslogLogger(string ident, string socketPath = "/dev/log")
    {
        _ident = ident;
        _socketPath = socketPath;
    }

    /// <summary>Lines dropped because the queue was full and not yet reported. Once the socket
    /// takes the held lines again, one warning line says how many were lost, and this resets.</summary>
    public int Dropped { get; private set; }

    protected override void Emit(LogLevel level, string message)
    {
        byte[] datagram = Format(level, message);
        if (!Connect())
        {
            if (_deferLocal)
            {
                if (_deferredLocal.Count >= MaxPending) Dropped++;
                else _deferredLocal.Enqueue((level, message));
                return;
            }
            Console.Error.WriteLine(_ident + ": " + message);
            return;
        }
        Flush();
        if (_pending.Count > 0 || !TrySend(datagram)) Hold(datagram);
    }

    public override bool DeferLocalOutput
    {
        get => _deferLocal;
        set
        {
            _deferLocal = value;
            if (value) return;
            // Held lines go out in order, to syslog if it came back, else to stderr.
            while (_deferredLocal.Count > 0)
            {
                var (level, message) = _deferredLocal.Dequeue();
                Emit(level, message);
            }
        }
    }

    public override void Flush()
    {
        while (_pending.Count > 0 && TrySend(_pending.Peek())) _pending.Dequeue();
        if (_pending.Count == 0 && Dropped > 0 && _fd >= 0
            && TrySend(Format(LogLevel.Warning, Dropped + " log lines were lost while syslog was not reading")))
            Dropped = 0;
    }

    void Hold(byte[] datagram)
    {
        if (_pending.Count >= MaxPending) { Dropped++; return; }
        _pending.Enqueue(datagram);
    }

    byte[] Format(LogLevel level, string message)
    {
        DateTime now = DateTime.Now;
        var sb = new StringBuilder(32 + _ident.Length + message.Length);
        sb.Append('<').Append(LogUser | (int)level).Append('>')
          .Append(Months[now.Month - 1]).Append(' ')
          .Append(now.Day < 10 ? " " : "").Append(now.Day).Append(' ')
          .Append(now.ToString("HH:mm:ss")).Append(' ')
          .Append(_ident).Append(": ").Append(message);
        return Encoding.UTF8.GetBytes(sb.ToString());
    }

    bool Connect()
    {
        if (_fd >= 0) return true;
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) return false;
        sockaddr_un addr = default;
        addr.sun_family = (sa_family_t)LibC.AF_UNIX;
        byte[] path = Encoding.UTF8.GetBytes(_socketPath);
        if (path.Length >= 108) { LibC.close(fd); return false; }
        for (int i = 0; i < path.Length; i++) addr.sun_path[i] = path[i];
        if (LibC.connect(fd, (sockaddr*)&addr, (socklen_t)sizeof(sockaddr_un)) < 0)
        {
            LibC.close(fd);
            return false;
        }
        _fd = fd;
        return true;
    }

    bool TrySend(byte[] datagram)
    {
        fixed (byte* p = datagram)
        {
            while (true)
            {
                long r = LibC.send(_fd, p, datagram.Length, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL);
                if (r >= 0) return true;
                Errno e = Errno.Last;
                if (e == Errno.EINTR) continue;
                if (e != Errno.EAGAIN)
                {
                    // The listener went away (syslog restarted): reconnect on the next line.
                    LibC.close(_fd);
                    _fd = -1;
                }
                return false;
            }
        }
    }

    public void Dispose()
    {
        Flush();
        if (_fd >= 0) { LibC.close(_fd); _fd = -1; }
    }
}
