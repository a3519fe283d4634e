using System;
using System.Runtime.InteropServices;
using System.Threading;
using HvDaemons.Os;
using Tmds.Linux;

namespace HvDaemons.Daemon;

/// <summary>
/// Turns SIGTERM and SIGINT into a readable pipe, so the single-threaded loop sees a stop
/// request in the same poll() as the device instead of being killed mid-transaction. A loop
/// that blocks in read() instead (no poll per message) has its read ended by the signal: see
/// <see cref="InterruptReadsOfThisThread"/>.
/// </summary>
public sealed class StopSignal : IDisposable
{
    readonly FileDescriptor _read;
    readonly FileDescriptor _write;
    readonly PosixSignalRegistration? _term;
    readonly PosixSignalRegistration? _int;
    readonly object _lifetime = new();
    bool _disposed;
    bool _wakesSent;
    int _requested;
    int _reading;
    nuint _reader;

    public StopSignal(bool handleSignals = true)
    {
        SysResult r = Posix.Pipe(nonBlocking: true, out _read, out _write);
        if (!r.Ok) throw new InvalidOperationException("pipe2 failed: " + Errno.Describe(r.Error));
        if (handleSignals)
        {
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        }
    }

    /// <summary>Readable once a stop was requested.</summary>
    public int Fd => _read.Fd;

    public bool Requested => Volatile.Read(ref _requested) != 0;

    /// <summary>True once <see cref="InterruptReadsOfThisThread"/> succeeded.</summary>
    public bool InterruptsReads { get; private set; }

    /// <summary>The signal that asked us to stop, for the log line.</summary>
    public string? Cause { get; private set; }

    void OnSignal(PosixSignalContext context)
    {
        context.Cancel = true;   // we exit ourselves once the loop has undone its work
        Request(context.Signal == PosixSignal.SIGTERM ? "SIGTERM" : "SIGINT");
    }

    public void Request(string cause)
    {
        Cause ??= cause;
        Interlocked.Exchange(ref _requested, 1);   // a full fence: ordered before the look at _reading
        lock (_lifetime)
        {
            if (_disposed) return;
            // Non-blocking: a full pipe (EAGAIN) is readable already.
            Posix.Write(_write, stackalloc byte[] { 1 });
        }
        if (InterruptsReads) WakeReader();
    }

    /// <summary>
    /// Lets a stop end the calling thread's blocking reads: SIGTERM and SIGINT stop restarting
    /// the calls they interrupt (EINTR), and a stop requested while that thread is between
    /// <see cref="BeginRead"/> and <see cref="EndRead"/> is sent to it as SIGTERM.
    /// </summary>
    public bool InterruptReadsOfThisThread()
    {
        if (_term is null || !ThreadInterrupt.MakeInterrupting(LibC.SIGTERM) || !ThreadInterrupt.MakeInterrupting(LibC.SIGINT))
            return false;
        _reader = ThreadInterrupt.Current();
        InterruptsReads = true;
        return true;
    }

    /// <summary>The reader is about to block; it checks <see cref="Requested"/> after this.</summary>
    public void BeginRead() => Interlocked.Exchange(ref _reading, 1);

    public void EndRead() => Volatile.Write(ref _reading, 0);

    // The reader may be between its last look at Requested and the read itself, where a signal
    // ends nothing: repeat until it has left the read, for at most 5 s.
    void WakeReader()
    {
        for (int i = 0; i < 500; i++)
        {
            lock (_lifetime)
            {
                if (_disposed || Volatile.Read(ref _reading) == 0) return;
                ThreadInterrupt.Send(_reader, LibC.SIGTERM);
                _wakesSent = true;
            }
            Thread.Sleep(10);
        }
    }

    public void Dispose()
    {
        lock (_lifetime)
        {
            if (_disposed) return;
            _disposed = true;
            _read.Dispose();
            _write.Dispose();
        }
        // A SIGTERM sent to the reader may not have reached its handler yet (the runtime
        // dispatches signals on its own thread): without a registration its default action
        // would kill the process with status 143 after a clean stop. Once one was sent the
        // process is on its way out, so the registrations stay until it exits.
        if (_wakesSent) return;
        _term?.Dispose();
        _int?.Dispose();
    }
}
