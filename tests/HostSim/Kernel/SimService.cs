using System;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;
using HvDaemons.HostSim.Fuse;
using HvDaemons.Os;
using Tmds.Linux;

namespace HvDaemons.HostSim.Kernel;

/// <summary>
/// One hv_utils service with its char-device transport, as the kernel runs it: the
/// single-opener rule, a one-message queue towards the daemon, blocking reads, poll wake-ups,
/// the registration handshake, one host transaction at a time with a kernel timeout, and the
/// reset on release. Service-specific rules (write sizes, registration values, which host ops
/// reach the daemon) live in the subclasses. Every member runs under the kernel's one lock.
/// </summary>
public abstract partial class SimService
{
    readonly object _gate;
    readonly Queue<HostRequest> _hostQueue = new();
    readonly List<PendingRead> _reads = new();
    readonly List<(FuseConnection Connection, ulong Kh)> _pollers = new();
    readonly List<string> _history = new();
    readonly HashSet<ulong> _dropped = new();
    FuseConnection? _opener;
    ulong _openFh;
    ulong _nextFh;
    Outgoing? _out;
    HostRequest? _current;
    Timer? _timer;
    ServiceState _state = ServiceState.DeviceInit;

    private protected SimService(object gate, string name)
    {
        _gate = gate;
        Name = name;
    }

    /// <summary>Device node name under /dev/vmbus, e.g. "hv_kvp".</summary>
    public string Name { get; }

    public ServiceState State
    {
        get { lock (_gate) return _state; }
        private protected set
        {
            if (_state == value) return;
            Note("state " + _state + " -> " + value);
            _state = value;
            Monitor.PulseAll(_gate);
        }
    }

    public TransportMode Mode { get; private set; } = TransportMode.Init;

    /// <summary>Successful opens so far (a restarted daemon adds one).</summary>
    public int Opens { get; private set; }

    /// <summary>Reads blocked in the device waiting for a message.</summary>
    public int PendingReads { get { lock (_gate) return _reads.Count; } }

    /// <summary>Completed registrations (the daemon read the kernel's reply).</summary>
    public int Registrations { get; private set; }

    /// <summary>What happened on the device, one line per event (for transcripts and failures).</summary>
    public IReadOnlyList<string> History { get { lock (_gate) return _history.ToArray(); } }

    /// <summary>Raised (under the lock) with each history line.</summary>
    public event Action<string>? Event;

    /// <summary>Blocks until <paramref name="condition"/> holds or the time is up.</summary>
    public bool WaitUntil(Func<SimService, bool> condition, TimeSpan timeout)
    {
        DateTime end = DateTime.UtcNow + timeout;
        lock (_gate)
        {
            while (!condition(this))
            {
                TimeSpan left = end - DateTime.UtcNow;
                if (left <= TimeSpan.Zero || !Monitor.Wait(_gate, left)) return condition(this);
            }
            return true;
        }
    }

    /// <summary>Waits until a daemon has registered and the service is idle.</summary>
    public bool WaitReady(TimeSpan timeout) => WaitUntil(s => s._state == ServiceState.Ready, timeout);

    /// <summary>Waits until at least <paramref name="count"/> registrations completed.</summary>
    public bool WaitRegistrations(int count, TimeSpan timeout) => WaitUntil(s => s.Registrations >= count, timeout);

    /// <summary>Waits until nobody holds the device open.</summary>
    public bool WaitClosed(TimeSpan timeout) => WaitUntil(s => s.Mode != TransportMode.CharDev, timeout);

    /// <summary>Waits for a history line containing <paramref name="text"/>.</summary>
    public bool WaitForEvent(string text, TimeSpan timeout)
        => WaitUntil(s => s._history.Exists(l => l.Contains(text, StringComparison.Ordinal)), timeout);

    private protected void Note(string line)
    {
        _history.Add(line);
        Monitor.PulseAll(_gate);
        Event?.Invoke(line);
    }

    // ---- host side -------------------------------------------------------------------------

    /// <summary>A host packet: the message the kernel would hand the daemon, plus how long
    /// the kernel waits for the reply.</summary>
    private protected sealed class HostRequest(byte operation, byte[] message, TimeSpan timeout, string label)
    {
        public byte Operation { get; } = operation;
        public byte[] Message { get; } = message;
        public TimeSpan Timeout { get; } = timeout;
        public string Label { get; } = label;
        public TaskCompletionSource<DeviceAnswer> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>What the kernel does with a host request in the current state.</summary>
    private protected enum Routing { Forward, Wait, AnswerNow }

    private protected abstract Routing Route(byte operation, out uint status);

    private protected Task<DeviceAnswer> SubmitFromHost(byte operation, byte[] message, TimeSpan timeout, string label)
    {
        lock (_gate)
        {
            var request = new HostRequest(operation, message, _timeoutOverride ?? timeout, label);
            Note("host -> " + label);
            _hostQueue.Enqueue(request);
            Pump();
            return request.Done.Task;
        }
    }

    /// <summary>Processes queued host packets while the service can take one (one at a time).</summary>
    void Pump()
    {
        while (_current is null && _hostQueue.Count > 0)
        {
            HostRequest r = _hostQueue.Peek();
            Routing routing = Route(r.Operation, out uint status);
            if (routing == Routing.Wait) return;
            _hostQueue.Dequeue();
            if (routing == Routing.AnswerNow)
            {
                Answer(r, status, status == Wire.HvStatus.S_OK ? AnswerSource.Kernel : AnswerSource.NoDaemon, null);
                continue;
            }
            State = ServiceState.HostMsgReceived;
            if (!Send(r.Message, null))
            {
                State = ServiceState.Ready;
                Answer(r, Wire.HvStatus.E_FAIL, AnswerSource.QueueFull, null);
                continue;
            }
            State = ServiceState.UserspaceReq;
            _current = r;
            _timer = new Timer(_ => OnTimeout(r), null, r.Timeout, Timeout.InfiniteTimeSpan);
        }
    }

    void OnTimeout(HostRequest r)
    {
        lock (_gate)
        {
            if (_current != r) return;
            _current = null;
            _timer?.Dispose();
            _timer = null;
            Note("kernel timeout for " + r.Label);
            State = ServiceState.Ready;
            Answer(r, Wire.HvStatus.E_FAIL, AnswerSource.KernelTimeout, null);
            Pump();
        }
    }

    void Answer(HostRequest r, uint status, AnswerSource source, byte[]? reply)
    {
        Note("host <- " + Wire.HvStatus.Name(status) + " (" + source + ") for " + r.Label);
        r.Done.TrySetResult(new DeviceAnswer(status, source, reply));
    }

    /// <summary>The daemon answered the outstanding request (state USERSPACE_REQ).</summary>
    private protected void CompleteFromDaemon(uint status, byte[] reply)
    {
        HostRequest r = _current!;
        State = ServiceState.UserspaceRecv;
        _timer?.Dispose();
        _timer = null;
        _current = null;
        Answer(r, status, AnswerSource.Daemon, reply);
        State = ServiceState.Ready;
        Pump();
    }

    /// <summary>The daemon read the registration reply: the service goes READY.</summary>
    private protected void RegistrationDone()
    {
        Registrations++;
        State = ServiceState.Ready;
        Pump();
    }

    // ---- transport: kernel -> daemon -------------------------------------------------------

    sealed record Outgoing(byte[] Message, Action? OnRead);
    sealed record PendingRead(FuseConnection Connection, ulong Unique, int Size);

    /// <summary>Queues a message for the daemon. False when the previous one is still unread
    /// or the device is not open (hvutil_transport_send's failures).</summary>
    private protected bool Send(byte[] message, Action? onRead)
    {
        if (Mode != TransportMode.CharDev || _out is not null)
        {
            Note("kernel could not queue " + message.Length + " B (" + (_out is null ? "device closed" : "previous message unread") + ")");
            return false;
        }
        _out = new Outgoing(message, onRead);
        Note("queued " + message.Length + " B for the daemon");
        Deliver();
        if (_out is not null)
        {
            foreach (var (connection, kh) in _pollers) connection.NotifyPoll(kh);
            _pollers.Clear();
        }
        return true;
    }

    /// <summary>Hands the queued message to blocked readers, in arrival order.</summary>
    void Deliver()
    {
        while (_out is not null && _reads.Count > 0)
        {
            PendingRead rd = _reads[0];
            _reads.RemoveAt(0);
            if (rd.Size < _out.Message.Length)
            {
                Note("read " + rd.Size + " B < message " + _out.Message.Length + " B -> EINVAL (message stays queued)");
                rd.Connection.ReplyError(rd.Unique, LibC.EINVAL);
                continue;
            }
            if (!rd.Connection.Reply(rd.Unique, _out.Message)) continue;   // reader was interrupted or died
            Outgoing done = _out;
            _out = null;
            Note("daemon read " + done.Message.Length + " B");
            done.OnRead?.Invoke();
        }
    }

    // ---- transport: the char device's file operations ---------------------------------------

    internal int Open(FuseConnection connection, uint pid, out ulong fh)
    {
        fh = 0;
        if (Mode == TransportMode.Destroy) return -LibC.EBADF;
        if (Mode == TransportMode.CharDev)
        {
            Note("open by pid " + pid + " -> EBUSY");
            return -LibC.EBUSY;
        }
        Mode = TransportMode.CharDev;
        _opener = connection;
        _openFh = fh = ++_nextFh;
        Opens++;
        Note("open by pid " + pid);
        return 0;
    }

    internal void Read(FuseConnection connection, ulong unique, ulong fh, int size)
    {
        if (Mode != TransportMode.CharDev || fh != _openFh || connection != _opener)
        {
            connection.ReplyError(unique, LibC.EBADF);
            return;
        }
        if (connection.EarlyInterrupts.Remove(unique))
        {
            connection.ReplyError(unique, LibC.EINTR);
            return;
        }
        // O_NONBLOCK is ignored, as by the kernel: the read waits for a message.
        var read = new PendingRead(connection, unique, size);
        _reads.Add(read);
        Deliver();
        if (_reads.Contains(read)) Note("read of " + size + " B blocks until the host sends");
    }

    internal int Write(ulong fh, ReadOnlySpan<byte> data)
    {
        if (Mode == TransportMode.Destroy) return -LibC.EBADF;
        if (fh != _openFh || Mode != TransportMode.CharDev) return -LibC.EBADF;
        Note("daemon wrote " + data.Length + " B");
        int r = OnWrite(data);
        if (r < 0) Note("write rejected: " + (((Errno)(-r)).Name() ?? "errno " + -r));
        return r;
    }

    /// <summary>The service's handling of a daemon write (the kernel's *_on_msg): the byte
    /// count on success or a negative errno.</summary>
    private protected abstract int OnWrite(ReadOnlySpan<byte> data);

    /// <summary>POLLRDNORM, which the char devices report beside POLLIN (Tmds.LibC lacks it).</summary>
    const uint PollRdNorm = 0x040;

    internal uint Poll(FuseConnection connection, ulong fh, ulong kh, bool scheduleNotify)
    {
        if (Mode == TransportMode.Destroy || _dropped.Contains(fh)) return (uint)(LibC.POLLERR | LibC.POLLHUP);
        if (Mode == TransportMode.CharDev && fh == _openFh && _out is not null)
            return (uint)LibC.POLLIN | PollRdNorm;
        if (scheduleNotify && !_pollers.Contains((connection, kh))) _pollers.Add((connection, kh));
        return 0;
    }

    /// <summary>FUSE_INTERRUPT for a blocked read: it returns EINTR.</summary>
    internal bool Interrupt(FuseConnection connection, ulong unique)
    {
        int i = _reads.FindIndex(r => r.Connection == connection && r.Unique == unique);
        if (i < 0) return false;
        _reads.RemoveAt(i);
        connection.ReplyError(unique, LibC.EINTR);
        Note("blocked read interrupted -> EINTR");
        return true;
    }

    /// <summary>Last close of the device (the daemon closed it or died).</summary>
    internal void Release(FuseConnection connection, ulong fh)
    {
        if (_dropped.Remove(fh))
        {
            Note("release of the descriptor dropped by the restart");
            return;
        }
        if (Mode != TransportMode.CharDev || fh != _openFh || connection != _opener) return;
        Note("release");
        Mode = TransportMode.Init;
        _opener = null;
        _openFh = 0;
        _reads.RemoveAll(r => r.Connection == connection);
        _pollers.RemoveAll(p => p.Connection == connection);
        DiscardAndReset(AnswerSource.DaemonGone);
    }

    /// <summary>The service's reset handler: drop the unread message, fail the outstanding
    /// request to the host, and wait for a new registration.</summary>
    void DiscardAndReset(AnswerSource source)
    {
        if (_out is not null) Note("unread message discarded");
        _out = null;
        _heldRegistrationReply = null;
        if (_current is HostRequest r)
        {
            _current = null;
            _timer?.Dispose();
            _timer = null;
            Answer(r, Wire.HvStatus.E_FAIL, source, null);
        }
        State = ServiceState.DeviceInit;
        Pump();
    }

    /// <summary>
    /// The host restarts and the channel is torn down under the daemon: the request in flight
    /// is failed to the host, an unread message is lost, blocked reads return EIO, and the open
    /// descriptor goes stale (reads and writes EBADF, poll POLLERR|POLLHUP) until the daemon
    /// closes it. The service waits for a new open and registration, as after a release.
    /// </summary>
    public void Restart()
    {
        lock (_gate)
        {
            Note("host restart: channel dropped");
            if (Mode == TransportMode.CharDev)
            {
                _dropped.Add(_openFh);
                foreach (PendingRead rd in _reads) rd.Connection.ReplyError(rd.Unique, LibC.EIO);
                if (_reads.Count > 0) Note(_reads.Count + " blocked read(s) -> EIO");
                _reads.Clear();
                foreach (var (connection, kh) in _pollers) connection.NotifyPoll(kh);
                _pollers.Clear();
                Mode = TransportMode.Init;
                _opener = null;
                _openFh = 0;
            }
            DiscardAndReset(AnswerSource.HostRestart);
        }
    }

    internal void ConnectionClosed(FuseConnection connection)
    {
        _reads.RemoveAll(r => r.Connection == connection);
        _pollers.RemoveAll(p => p.Connection == connection);
        if (_opener == connection) Release(connection, _openFh);
    }
}
