using System;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Transport;

namespace HvDaemons.Daemon;

/// <summary>
/// The I/O shell around <see cref="LoopTransitions"/>, single-threaded over one transport: in
/// each state it does that state's one piece of I/O, turns the outcome into a
/// <see cref="LoopEvent"/>, and lets the transition function choose the next state. It owns
/// the handshake: a message read while registering is the kernel's reply or not as the
/// channel's <see cref="IRegistration"/> says. Each failure is logged here, once, with its errno.
/// </summary>
public sealed class ServiceLoop
{
    const int MaxBackoffMs = 2000;
    const int PollRetryMs = 100;

    readonly IHostChannel _channel;
    readonly IServiceHandler _handler;
    readonly Logger _log;
    readonly StopSignal _stop;
    readonly SystemdNotify? _notify;
    readonly byte[] _buffer;
    string _idleStatus = "";
    string _version = "";
    int _length;
    int _failedReopens;
    int _failedPolls;
    bool _registered;
    bool _everOpened;

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

    /// <summary>Runs until stopped. Returns the process exit status (0 after a signal or when the
    /// device does not exist, 1 on a fatal error).</summary>
    public int Run()
    {
        while (State != DaemonState.Dying)
        {
            DaemonState from = State;
            LoopEvent e = Perform(from);
            LoopStep step = LoopTransitions.Next(from, e, _registered);
            Apply(from, e, step);
            State = step.Next;
            StateChanged?.Invoke(step.Next);
            if (step.Next == DaemonState.Dying) return Leave(step.ExitCode);
        }
        return 0;
    }

    /// <summary>The one piece of I/O of <paramref name="state"/>.</summary>
    LoopEvent Perform(DaemonState state)
    {
        switch (state)
        {
            case DaemonState.Connecting:
                return _stop.Requested ? LoopEvent.Stop : Connect();
            case DaemonState.Registering:
            case DaemonState.Ready:
                return WaitAndReceive();
            case DaemonState.Busy:
                long before = ReportAllocations ? GC.GetAllocatedBytesForCurrentThread() : 0;
                _length = _handler.Handle(_buffer, _length);
                if (ReportAllocations && GC.GetAllocatedBytesForCurrentThread() - before is long bytes and > 0)
                    _log.Info("bench: request " + (Served + 1) + " allocated " + bytes + " bytes");
                ReportHandlerStatus();
                return LoopEvent.Handled;
            case DaemonState.Replying:
                ChannelResult sent = _channel.Send(_buffer.AsSpan(0, _length));
                if (sent.Event == ChannelEvent.Ok) return LoopEvent.Sent;
                _log.Err(Failure("write failed", sent));
                return LoopEvent.SendFailed;
            default: // Reopening
                _handler.OnReset(ResetReason.Reopen);
                _channel.Close();
                _notify?.Status("reopening " + _channel.Description + " after an error");
                return Backoff() ? LoopEvent.BackoffDone : LoopEvent.Stop;
        }
    }

    /// <summary>The side effects the transition asked for.</summary>
    void Apply(DaemonState from, LoopEvent e, in LoopStep step)
    {
        if (e == LoopEvent.Opened) _registered = false;
        if ((step.Actions & LoopAction.Registered) != 0)
        {
            _registered = true;
            _handler.OnRegistered(_version);
            // Right after the reply was read: the kernel now routes host requests to us.
            _idleStatus = "registered, protocol " + (_version.Length > 0 ? _version : "?");
            _notify?.Ready(_handler.Status ?? _idleStatus);
        }
        if ((step.Actions & LoopAction.RunTimer) != 0)
        {
            _handler.OnTimer();
            ReportHandlerStatus();
        }
        if ((step.Actions & LoopAction.Pause) != 0) StopWait.Sleep(PollRetryMs, _stop.Fd);
        if ((step.Actions & LoopAction.Answered) != 0)
        {
            Served++;
            _failedReopens = 0;
        }
        if ((step.Actions & LoopAction.Impossible) != 0)
            _log.Err("internal error: event " + e + " in state " + from);
        if (step.Next == DaemonState.Registering && from == DaemonState.Connecting)
            _notify?.Status("registering with " + _channel.Description);
    }

    int Leave(int exitCode)
    {
        // Undo first (VSS thaws): telling systemd may wait briefly for room.
        _handler.OnReset(ResetReason.Shutdown);
        _channel.Close();
        // An absent device keeps its "not started: ..." status.
        _notify?.Stopping(_stop.Requested ? "stopping on " + (_stop.Cause ?? "request")
                          : exitCode != 0 ? "stopping after an error" : null);
        if (_stop.Requested) _log.Info("stopping on " + (_stop.Cause ?? "request"));
        _log.Flush();
        return exitCode;
    }

    LoopEvent Connect()
    {
        ChannelResult r = _channel.Open();
        switch (r.Event)
        {
            case ChannelEvent.Ok:
                _everOpened = true;
                return LoopEvent.Opened;
            case ChannelEvent.NotFound when !_everOpened:
                // No such service on this machine (a confidential VM has no KVP channel, fcopy
                // is off with "Guest services"): one line and exit 0, so that Restart=on-failure
                // does not retry; udev starts us again if the device appears. READY=1 first:
                // a Type=notify unit whose process exits 0 without it fails ("protocol").
                string why = r.Detail is { } detail && !detail.StartsWith("open ", StringComparison.Ordinal) ? detail : "no " + _channel.Description;
                _log.Info(why + ": nothing to serve on this machine; exiting");
                _notify?.Ready("not started: " + why);
                return LoopEvent.DeviceAbsent;
            case ChannelEvent.Busy:
                _log.Err("open " + _channel.Description + " failed; error: " + Errno.DescribeNamed(r.Errno)
                         + " (another daemon already holds the device)");
                return LoopEvent.OpenBusy;
            case ChannelEvent.RegistrationFailed:
                _log.Err("registration to kernel failed; error: " + Errno.DescribeNamed(r.Errno));
                return LoopEvent.OpenFailed;
            default:
                if (r.Detail is { } d && !d.StartsWith("open ", StringComparison.Ordinal))
                    _log.Err(d + "; error: " + Errno.DescribeNamed(r.Errno));
                else
                    _log.Err("open " + _channel.Description + " failed; error: " + Errno.DescribeNamed(r.Errno));
                return LoopEvent.OpenFailed;
        }
    }

    LoopEvent WaitAndReceive()
    {
        int due = _handler.TimerDueMs();
        if (BlockingReads && due < 0 && _channel.ReceiveBlocks && _stop.InterruptsReads) return ReceiveBlocking();
        SysResult polled = Posix.PollReadable(_channel.PollFd, _stop.Fd, due, out bool channelReady, out bool stopReady);
        if (!polled.Ok)
        {
            // EINVAL: the descriptors themselves are wrong; anything else may pass, so wait and
            // retry, logging the first of a run only.
            if (polled.Error == Errno.EINVAL || _failedPolls++ == 0)
                _log.Err("poll failed; error: " + Errno.DescribeNamed(polled.Error));
            return polled.Error == Errno.EINVAL ? LoopEvent.PollUnusable : LoopEvent.PollFailed;
        }
        _failedPolls = 0;
        if (_stop.Requested || stopReady) return LoopEvent.Stop;
        if (!channelReady) return LoopEvent.TimerDue;
        return Received(_channel.Receive(_buffer));
    }

    LoopEvent ReceiveBlocking()
    {
        _stop.BeginRead();
        if (_stop.Requested)
        {
            _stop.EndRead();
            return LoopEvent.Stop;
        }
        ChannelResult r = _channel.Receive(_buffer);
        _stop.EndRead();
        // As with poll, a stop wins over a message read with it: the kernel fails that
        // transaction when the device closes.
        return _stop.Requested ? LoopEvent.Stop : Received(r);
    }

    LoopEvent Received(in ChannelResult r)
    {
        switch (r.Event)
        {
            case ChannelEvent.Registered:
                _version = r.Detail ?? "";
                return LoopEvent.RegistrationReply;
            case ChannelEvent.Nothing:
                return LoopEvent.Idle;
            case ChannelEvent.Ok:
                _length = r.Length;
                return State == DaemonState.Registering && _channel.Registration is { } registration
                    ? Classify(registration)
                    : LoopEvent.Request;
            default:
                // EAGAIN: woken without a message; EINTR: a signal that was not a stop.
                if (r.Errno == Errno.EAGAIN || r.Errno == Errno.EINTR) return LoopEvent.Idle;
                _log.Err(Failure("read failed", r));
                return LoopEvent.ReadFailed;
        }
    }

    /// <summary>"read failed; error: 5 Input/output error (EIO)": upstream's form with the
    /// name, then what the channel knows more.</summary>
    static string Failure(string what, in ChannelResult r)
        => what + "; error: " + Errno.DescribeNamed(r.Errno) + (r.Detail is { } detail ? ": " + detail : "");

    /// <summary>While registering, the registration says whether a message is the kernel's reply.</summary>
    LoopEvent Classify(IRegistration registration)
    {
        switch (registration.Check(_buffer.AsSpan(0, _length), out string version))
        {
            case HandshakeOutcome.Accepted:
                _version = version;
                return LoopEvent.RegistrationReply;
            case HandshakeOutcome.Rejected:
                _log.Err("invalid version negotiation");
                return LoopEvent.HandshakeRejected;
            default:
                return LoopEvent.Request;
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
        if (delay > 0) StopWait.Sleep(delay, _stop.Fd);
        return !_stop.Requested;
    }
}
