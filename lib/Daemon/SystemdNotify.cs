using System;
using System.Text;
using System.Threading;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Daemon;

/// <summary>
/// systemd's readiness protocol (sd_notify(3)) as plain datagrams to $NOTIFY_SOCKET, so a
/// Type=notify unit becomes active only once the kernel has accepted our registration: units
/// ordered after ours (cloud-init, provisioning agents) then find a registered daemon, not
/// just a forked one. READY=1 goes out once per process; a later re-registration only
/// updates STATUS. Without $NOTIFY_SOCKET every call does nothing.
/// </summary>
public sealed class SystemdNotify
{
    public const string SocketVariable = "NOTIFY_SOCKET";
    /// <summary>How long READY=1 and STOPPING=1 may wait for room in systemd's socket.</summary>
    const int ImportantRetryMs = 200;

    readonly string? _address;
    readonly Logger _log;
    readonly Func<string, byte[], SysResult> _send;
    bool _failureLogged;
    string? _lastStatus;

    public SystemdNotify(string? address, Logger log, Func<string, byte[], SysResult>? send = null)
    {
        _log = log;
        _send = send ?? ((a, d) => UnixDatagram.SendTo(a, d));
        if (address is not { Length: > 0 }) return;
        if (!UnixDatagram.IsSupportedAddress(address))
        {
            _log.Err(SocketVariable + "=" + address + " is not a socket path or @name; not notifying systemd");
            return;
        }
        _address = address;
    }

    /// <summary>Reads $NOTIFY_SOCKET and removes it from our environment, so that scripts and
    /// hooks we start cannot talk to systemd in our name (NotifyAccess=main ignores them anyway).</summary>
    public static SystemdNotify FromEnvironment(Logger log)
    {
        string? address = Environment.GetEnvironmentVariable(SocketVariable);
        Environment.SetEnvironmentVariable(SocketVariable, null);
        return new SystemdNotify(address, log);
    }

    public bool Enabled => _address is not null;

    public bool ReadySent { get; private set; }

    /// <summary>The registration is complete: READY=1 the first time, STATUS only afterwards.</summary>
    public void Ready(string status)
    {
        if (ReadySent) { Status(status); return; }
        if (!Enabled) return;
        ReadySent = Send(Message(ready: true, stopping: false, status), important: true);
        _lastStatus = status;
    }

    /// <summary>A line for `systemctl status`; repeating the current one sends nothing.</summary>
    public void Status(string status)
    {
        if (!Enabled || status == _lastStatus) return;
        _lastStatus = status;
        Send(Message(ready: false, stopping: false, status), important: false);
    }

    /// <summary>STOPPING=1, with a new status unless <paramref name="status"/> is null.</summary>
    public void Stopping(string? status)
    {
        if (!Enabled) return;
        _lastStatus = status ?? _lastStatus;
        Send(Message(ready: false, stopping: true, status), important: true);
    }

    /// <summary>The datagram: newline-separated assignments, as sd_notify(3) defines them.</summary>
    public static string Message(bool ready, bool stopping, string? status)
    {
        var sb = new StringBuilder();
        if (ready) sb.Append("READY=1\n");
        if (stopping) sb.Append("STOPPING=1\n");
        // STATUS is one line: a newline would start another assignment.
        if (status is not null) sb.Append("STATUS=").Append(status.Replace('\n', ' ')).Append('\n');
        return sb.ToString();
    }

    bool Send(string message, bool important)
    {
        byte[] data = Encoding.UTF8.GetBytes(message);
        for (int waited = 0; ; waited += 10)
        {
            SysResult r = _send(_address!, data);
            if (r.Ok) return true;
            if (r.Error == Errno.EAGAIN && important && waited < ImportantRetryMs)
            {
                Thread.Sleep(10);
                continue;
            }
            if (!_failureLogged)
                _log.Err("cannot notify systemd at " + _address + "; error: " + Errno.Describe(r.Error));
            _failureLogged = true;
            return false;
        }
    }
}
