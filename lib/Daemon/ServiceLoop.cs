using System;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Transport;

namespace HvDaemons.Daemon;

/// <summary>
/// The single-threaded daemon loop as an explicit state machine over one transport:
/// connect (open + register), wait for the kernel's version reply, then serve one request
/// and one reply at a time. A failed read or write reopens and registers again, as upstream
/// does after hibernation or a kernel timeout; SIGTERM/SIGINT end the loop cleanly.
/// </summary>
public sealed class ServiceLoop
{
    const int MaxBackoffMs = 2000;

    readonly IHostChannel _channel;
    readonly IServiceHandler _handler;
    readonly Logger _log;
    readonly StopSignal _stop;
    readonly SystemdNotify? _notify;
    readonly byte[] _buffer;
    string _idleStatus = "";
    int _length;
    int _failedReopens;
    bool _everOpened;   // a device that goes away later is an error, not absence
    int _exitCode;

    public ServiceLoop(IHostChannel channel, IServiceHandler handler, Logger log, StopSignal stop,
                       SystemdNotify? notify = null)
    {
        _channel = channel;
        _handler = handler;
        _log = log;
        _stop = stop;
        _notify = notify;
        _buffer = new byte[handler.MaxMessageSize];
        if (handler is IStopAware aware) aware.WatchStop(stop);
    }

    public DaemonState State { get; private set; } = DaemonState.Connecting;

    /// <summary>Requests served since start (for tests and benchmarks).</summary>
    public long Served { get; private set; }

    /// <summary>Bench aid (HV_BENCH_ALLOC=1): log the managed bytes a request's handler
    /// allocated, for every request that allocated any. Off in service.</summary>
    public bool ReportAllocations { get; init; }

    /// <summary>Read the channel blocking, without a poll per message, when it and the stop
    /// signal allow (<see cref="IHostChannel.ReceiveBlocks"/>, <see cref="StopSignal.InterruptsReads"/>)
    /// and no timer is due. One system call fewer per request; on the FUSE device of the tests
    /// a poll is a whole round trip.</summary>
    public bool BlockingReads { get; init; }

    /// <summary>Called on each state change; tests use it to observe the machine.</summary>
    public Action<DaemonState>? StateChanged { get; set; }

    /// <summary>Runs until stopped. Returns the process exit status (0 after a signal, 1 on a fatal error).</summary>
    public int Run()
    {
        while (true)
        {
            switch (State)
            {
                case DaemonState.Connecting:
                    if (!Connect()) { Enter(DaemonState.Dying); break; }
                    _notify?.Status("registering with " + _channel.Description);
                    Enter(DaemonState.Registering);
                    break;

                case DaemonState.Registering:
                case DaemonState.Ready:
                    Enter(WaitAndReceive());
                    break;

                case DaemonState.Busy:
                    long before = ReportAllocations ? GC.GetAllocatedBytesForCurrentThread() : 0;
                    _length = _handler.Handle(_buffer, _length);
                    if (ReportAllocations) ReportAllocated(GC.GetAllocatedBytesForCurrentThread() - before);
                    ReportHandlerStatus();
                    Enter(DaemonState.Replying);
                    break;

                case DaemonState.Replying:
                    ChannelResult sent = _channel.Send(_buffer.AsSpan(0, _length));
                    if (sent.Event != ChannelEvent.Ok)
                    {
                        _log.Err("write failed; error: " + Errno.Describe(sent.Errno));
                        Enter(DaemonState.Reopening);
                        break;
                    }
                    Served++;
                    _failedReopens = 0;
                    Enter(DaemonState.Ready);
                    break;

                case DaemonState.Reopening:
                    _handler.OnReset(ResetReason.Reopen);
                    _channel.Close();
                    _notify?.Status("reopening " + _channel.Description + " after an error");
                    if (!Backoff()) { Enter(DaemonState.Dying); break; }
                    Enter(DaemonState.Connecting);
                    break;

                case DaemonState.Dying:
                    // Undo first (VSS thaws): telling systemd may wait briefly for room.
                    _handler.OnReset(ResetReason.Shutdown);
                    _channel.Close();
                    // An absent device keeps its "not started: ..." status.
                    _notify?.Stopping(_stop.Requested ? "stopping on " + (_stop.Cause ?? "request")
                                      : _exitCode != 0 ? "stopping after an error" : null);
                    if (_stop.Requested) _log.Info("stopping on " + (_stop.Cause ?? "request"));
                    _log.Flush();
                    return _exitCode;
            }
        }
    }

    void ReportAllocated(long bytes)
    {
        if (bytes > 0) _log.Info("bench: request " + (Served + 1) + " allocated " + bytes + " bytes");
    }

    void Enter(DaemonState next)
    {
        State = next;
        StateChanged?.Invoke(next);
    }

    bool Connect()
    {
        if (_stop.Requested) return false;
        ChannelResult r = _channel.Open();
        if (r.Event != ChannelEvent.Ok) _exitCode = 1;
        switch (r.Event)
        {
            case ChannelEvent.Ok:
                _everOpened = true;
                return true;
            case ChannelEvent.NotFound when !_everOpened:
                // No such service on this machine (a confidential VM has no KVP channel, fcopy
                // is off with "Guest services"): one line and exit 0, so that Restart=on-failure
                // does not retry; udev starts us again if the device appears. READY=1 first:
                // a Type=notify unit whose process exits 0 without it fails ("protocol").
                _exitCode = 0;
                string why = r.Detail is { } detail && !detail.StartsWith("open ", StringComparison.Ordinal) ? detail : "no " + _channel.Description;
                _log.Info(why + ": nothing to serve on this machine; exiting");
                _notify?.Ready("not started: " + why);
                return false;
            case ChannelEvent.Busy:
                _log.Err("open " + _channel.Description + " failed; error: " + Errno.Describe(r.Errno)
                         + " (another daemon already holds the device)");
                return false;
            default:
                if (r.Detail == "registration")
                    _log.Err("registration to kernel failed; error: " + Errno.Describe(r.Errno));
                else if (r.Detail is { } d && !d.StartsWith("open ", StringComparison.Ordinal))
                    _log.Err(d + "; error: " + Errno.Describe(r.Errno));
                else
                    _log.Err("open " + _channel.Description + " failed; error: " + Errno.Describe(r.Errno));
                return false;
        }
    }

    DaemonState WaitAndReceive()
    {
        int due = _handler.TimerDueMs();
        if (BlockingReads && due < 0 && _channel.ReceiveBlocks && _stop.InterruptsReads) return ReceiveBlocking();
        Span<Interop.pollfd> fds = stackalloc Interop.pollfd[2];
        fds[0].fd = _channel.PollFd;
        fds[0].events = Interop.POLLIN;
        fds[1].fd = _stop.Fd;
        fds[1].events = Interop.POLLIN;
        SysResult polled = Posix.Poll(fds, due);
        if (!polled.Ok)
        {
            _log.Err("poll failed; error: " + Errno.Describe(polled.Error));
            if (polled.Error != Errno.EINVAL) return State;
            _exitCode = 1;
            return DaemonState.Dying;
        }
        if (_stop.Requested || fds[1].revents != 0) return DaemonState.Dying;
        if (polled.Value == 0)
        {
            _handler.OnTimer();
            ReportHandlerStatus();
            return State;
        }

        return Received(_channel.Receive(_buffer));
    }

    DaemonState ReceiveBlocking()
    {
        _stop.BeginRead();
        if (_stop.Requested)
        {
            _stop.EndRead();
            return DaemonState.Dying;
        }
        ChannelResult r = _channel.Receive(_buffer);
        _stop.EndRead();
        // As with poll, a stop wins over a message read with it: the kernel fails that
        // transaction when the device closes.
        return _stop.Requested ? DaemonState.Dying : Received(r);
    }

    DaemonState Received(in ChannelResult r)
    {
        switch (r.Event)
        {
            case ChannelEvent.Registered:
                _handler.OnRegistered(r.Detail ?? "");
                // Right after the reply was read: the kernel now routes host requests to us.
                _idleStatus = "registered, protocol " + (r.Detail ?? "?");
                _notify?.Ready(_handler.Status ?? _idleStatus);
                return DaemonState.Ready;
            case ChannelEvent.HandshakeRejected:
                _log.Err("invalid version negotiation");
                _exitCode = 1;
                return DaemonState.Dying;
            case ChannelEvent.Nothing:
                return State;
            case ChannelEvent.Ok:
                _length = r.Length;
                return DaemonState.Busy;
            default:
                // EAGAIN: woken without a message; EINTR: a signal that was not a stop.
                if (r.Errno == Errno.EAGAIN || r.Errno == Errno.EINTR) return State;
                _log.Err("read failed; error: " + Errno.Describe(r.Errno));
                return DaemonState.Reopening;
        }
    }

    /// <summary>What the handler says of itself (VSS: frozen filesystems), else the registration.</summary>
    void ReportHandlerStatus()
    {
        if (_notify is null || !_notify.ReadySent) return;
        _notify.Status(_handler.Status ?? _idleStatus);
    }

    /// <summary>Waits before reconnecting when reopens keep failing, so a broken device cannot
    /// make us spin. Returns false if a stop was requested meanwhile.</summary>
    bool Backoff()
    {
        int delay = _failedReopens == 0 ? 0 : Math.Min(MaxBackoffMs, 50 << Math.Min(_failedReopens, 6));
        _failedReopens++;
        if (delay == 0) return !_stop.Requested;
        Span<Interop.pollfd> fds = stackalloc Interop.pollfd[1];
        fds[0].fd = _stop.Fd;
        fds[0].events = Interop.POLLIN;
        Posix.Poll(fds, delay);
        return !_stop.Requested;
    }
}
