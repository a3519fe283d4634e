using System;
using System.Collections.Generic;
using System.Net.Sockets;
using System.Text;
using System.Threading;

namespace HvDaemons.HostSim.Systemd;

/// <summary>
/// systemd's side of the readiness protocol: a datagram socket in the abstract namespace
/// (address "@name", as $NOTIFY_SOCKET names it) that records every message with the time it
/// arrived. Abstract names belong to the network namespace, which sandboxes share with the test.
/// </summary>
public sealed class NotifyListener : IDisposable
{
    readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
    readonly List<(DateTime At, string Text)> _messages = new();
    readonly Thread _reader;

    public NotifyListener()
    {
        string name = "hvd-notify-" + Guid.NewGuid().ToString("N");
        Address = "@" + name;
        _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
        _reader = new Thread(ReadAll) { IsBackground = true, Name = "notify listener" };
        _reader.Start();
    }

    /// <summary>The value for NOTIFY_SOCKET.</summary>
    public string Address { get; }

    public IReadOnlyList<(DateTime At, string Text)> Messages { get { lock (_messages) return _messages.ToArray(); } }

    /// <summary>Messages that carry <paramref name="assignment"/> (e.g. "READY=1") as one of their lines.</summary>
    public List<(DateTime At, string Text)> With(string assignment)
    {
        var found = new List<(DateTime, string)>();
        foreach (var m in Messages)
            if (Array.IndexOf(m.Text.Split('\n'), assignment) >= 0) found.Add(m);
        return found;
    }

    /// <summary>Waits for a message with <paramref name="assignment"/>; its arrival time, or null.</summary>
    public DateTime? WaitFor(string assignment, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        lock (_messages)
        {
            while (true)
            {
                foreach (var m in _messages)
                    if (Array.IndexOf(m.Text.Split('\n'), assignment) >= 0) return m.At;
                TimeSpan left = end - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_messages, left)) return null;
            }
        }
    }

    public string Describe()
    {
        var sb = new StringBuilder("notify messages:\n");
        foreach (var (at, text) in Messages) sb.Append(at.ToString("HH:mm:ss.fff")).Append(' ').Append(text.Replace("\n", "\\n")).Append('\n');
        return sb.ToString();
    }

    void ReadAll()
    {
        var buffer = new byte[4096];
        try
        {
            while (true)
            {
                int n = _socket.Receive(buffer);
                lock (_messages)
                {
                    _messages.Add((DateTime.UtcNow, Encoding.UTF8.GetString(buffer, 0, n)));
                    Monitor.PulseAll(_messages);
                }
            }
        }
        catch (SocketException) { }       // closed by Dispose
        catch (ObjectDisposedException) { }
    }

    public void Dispose() => _socket.Dispose();
}
