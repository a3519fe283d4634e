using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace HvDaemons.HostSim.Sandboxing;

/// <summary>One syslog datagram, split the way a reader wants it.</summary>
public sealed record SyslogLine(int Priority, string Ident, string Message)
{
    /// <summary>The syslog severity (3 err, 4 warning, 6 info, 7 debug).</summary>
    public int Severity => Priority & 7;
    public override string ToString() => Ident + ": " + Message;
}

/// <summary>
/// A datagram socket standing in for /dev/log: the sandbox bind-mounts it there, so the daemon
/// logs exactly as on a real system. Lines are kept for wait-for-line checks.
/// </summary>
public sealed class SyslogCapture : IDisposable
{
    readonly Socket _socket;
    readonly Thread _thread;
    readonly List<SyslogLine> _lines = new();
    volatile bool _stopping;

    public SyslogCapture(string path)
    {
        Path = path;
        if (File.Exists(path)) File.Delete(path);
        _socket = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        _socket.Bind(new UnixDomainSocketEndPoint(path));
        _thread = new Thread(Receive) { IsBackground = true, Name = "syslog-capture" };
        _thread.Start();
    }

    public string Path { get; }

    /// <summary>Raised on the receiving thread for each line.</summary>
    public event Action<SyslogLine>? Received;

    public IReadOnlyList<SyslogLine> Lines { get { lock (_lines) return _lines.ToArray(); } }

    /// <summary>Waits for a line whose "IDENT: message" text contains <paramref name="text"/>;
    /// null if none came within <paramref name="timeout"/>.</summary>
    public SyslogLine? WaitFor(string text, TimeSpan timeout)
        => WaitFor(l => l.ToString().Contains(text, StringComparison.Ordinal), timeout);

    public SyslogLine? WaitFor(Func<SyslogLine, bool> match, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        lock (_lines)
        {
            int seen = 0;
            while (true)
            {
                for (; seen < _lines.Count; seen++)
                    if (match(_lines[seen])) return _lines[seen];
                TimeSpan left = end - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_lines, left))
                {
                    for (; seen < _lines.Count; seen++)
                        if (match(_lines[seen])) return _lines[seen];
                    return null;
                }
            }
        }
    }

    /// <summary>Waits until <paramref name="count"/> lines match (lines arrive a moment after
    /// the reply that followed them); false if fewer came within <paramref name="timeout"/>.</summary>
    public bool WaitForCount(Func<SyslogLine, bool> match, int count, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        lock (_lines)
        {
            while (true)
            {
                int n = 0;
                foreach (SyslogLine l in _lines) if (match(l)) n++;
                if (n >= count) return true;
                TimeSpan left = end - DateTime.UtcNow;
                if (left <= TimeSpan.Zero) return false;
                Monitor.Wait(_lines, left);
            }
        }
    }

    /// <summary>All lines as text, for failure messages.</summary>
    public string Dump()
    {
        var sb = new StringBuilder();
        foreach (SyslogLine l in Lines) sb.Append("  ").Append(l).Append('\n');
        return sb.Length == 0 ? "  (no syslog lines)\n" : sb.ToString();
    }

    void Receive()
    {
        byte[] buffer = new byte[8192];
        while (!_stopping)
        {
            int n;
            try { n = _socket.Receive(buffer); }
            catch (SocketException) { if (_stopping) return; continue; }
            catch (ObjectDisposedException) { return; }
            if (n <= 0) continue;
            SyslogLine line = Parse(Encoding.UTF8.GetString(buffer, 0, n));
            lock (_lines)
            {
                _lines.Add(line);
                Monitor.PulseAll(_lines);
            }
            Received?.Invoke(line);
        }
    }

    /// <summary>Parses "&lt;PRI&gt;Mmm dd hh:mm:ss IDENT: message" (RFC 3164 as glibc sends it).</summary>
    public static SyslogLine Parse(string datagram)
    {
        string s = datagram.TrimEnd('\n', '\0');
        int priority = 0;
        if (s.StartsWith('<') && s.IndexOf('>') is int close && close > 0 && int.TryParse(s.AsSpan(1, close - 1), out priority))
            s = s[(close + 1)..];
        // "Mmm dd hh:mm:ss " is 16 characters.
        if (s.Length >= 16 && s[3] == ' ' && s[6] == ' ' && s[9] == ':' && s[12] == ':' && s[15] == ' ')
            s = s[16..];
        int colon = s.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? new SyslogLine(priority, s[..colon], s[(colon + 2)..]) : new SyslogLine(priority, "", s);
    }

    public void Dispose()
    {
        _stopping = true;
        _socket.Dispose();
        _thread.Join(2000);
        try { File.Delete(Path); } catch (IOException) { }
    }
}
