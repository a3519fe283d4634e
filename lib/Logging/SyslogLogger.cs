using System;
using System.Collections.Generic;
using System.Text;
using HvDaemons.Os;

namespace HvDaemons.Logging;

/// <summary>
/// RFC 3164 datagrams to /dev/log with facility LOG_USER, as glibc's syslog() sends them.
/// Sends never block: a line that would block (or finds no listener) is held in a small queue
/// and retried on the next line or <see cref="Flush"/>. The VSS daemon relies on that while
/// filesystems are frozen: a blocked log write must not hold up a thaw. When the socket does
/// not exist at all, lines go to stderr instead, except while <see cref="Logger.DeferLocalOutput"/>
/// is set: then they wait in memory, since stderr may be a file on a frozen disk.
/// </summary>
public sealed class SyslogLogger : Logger, IDisposable
{
    const int LogUser = 1 << 3;
    const int MaxPending = 256;
    static readonly string[] Months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

    readonly string _ident;
    readonly string _socketPath;
    readonly Queue<byte[]> _pending = new();
    readonly Queue<(LogLevel Level, string Message)> _deferredLocal = new();
    bool _deferLocal;
    FileDescriptor? _socket;

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
        if (_pending.Count == 0 && Dropped > 0 && _socket is not null
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
        if (_socket is not null) return true;
        if (!UnixDatagram.Connect(_socketPath, out FileDescriptor socket).Ok) return false;
        _socket = socket;
        return true;
    }

    bool TrySend(byte[] datagram)
    {
        if (_socket is null) return false;
        SysResult r = UnixDatagram.Send(_socket, datagram);
        if (r.Ok) return true;
        // The listener went away (syslog restarted): reconnect on the next line.
        if (r.Error != Errno.EAGAIN) Disconnect();
        return false;
    }

    void Disconnect()
    {
        _socket?.Dispose();
        _socket = null;
    }

    public void Dispose()
    {
        Flush();
        Disconnect();
    }
}
