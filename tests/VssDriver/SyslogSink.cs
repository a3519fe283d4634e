using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace HvDaemons.Tests.VssDriver;

/// <summary>A syslog socket for the sandbox (/dev/log on its tmpfs /dev): keeps each line as "&lt;severity&gt; message".</summary>
sealed class SyslogSink : IDisposable
{
    readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    readonly List<string> _lines = new();

    public SyslogSink(string path)
    {
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        new Thread(Receive) { IsBackground = true, Name = "syslog-sink" }.Start();
    }

    public string[] Lines
    {
        get { lock (_lines) return _lines.ToArray(); }
    }

    void Receive()
    {
        var buffer = new byte[8192];
        while (true)
        {
            int n;
            try { n = _socket.Receive(buffer); }
            catch (Exception) { return; }
            string raw = Encoding.UTF8.GetString(buffer, 0, n);
            // "<14>Nov 25 21:12:00 Hyper-V VSS: message"
            int close = raw.IndexOf('>');
            int severity = close > 1 && int.TryParse(raw.AsSpan(1, close - 1), out int pri) ? pri & 7 : -1;
            int colon = raw.IndexOf(": ", close + 1, StringComparison.Ordinal);
            string message = colon >= 0 ? raw[(colon + 2)..] : raw;
            lock (_lines) _lines.Add("<" + severity + "> " + message);
        }
    }

    public void Dispose() => _socket.Dispose();
}
