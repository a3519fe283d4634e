using System;
using System.Runtime.InteropServices;
using HvDaemons.Os;
using Tmds.Linux;

namespace HvDaemons.Daemon;

/// <summary>
/// Turns SIGTERM and SIGINT into a readable pipe, so the single-threaded loop sees a stop
/// request in the same poll() as the device instead of being killed mid-transaction.
/// </summary>
public sealed unsafe class StopSignal : IDisposable
{
    readonly int _read;
    readonly int _write;
    readonly PosixSignalRegistration? _term;
    readonly PosixSignalRegistration? _int;

    public StopSignal(bool handleSignals = true)
    {
        int* fds = stackalloc int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC | LibC.O_NONBLOCK) != 0)
            throw new InvalidOperationException("pipe2 failed: " + Errno.Describe(LibC.errno));
        _read = fds[0];
        _write = fds[1];
        if (handleSignals)
        {
            _term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal);
            _int = PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal);
        }
    }

    /// <summary>Readable once a stop was requested.</summary>
    public int Fd => _read;

    public bool Requested { get; private set; }

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
        Requested = true;
        byte b = 1;
        LibC.write(_write, &b, 1);
    }

    public void Dispose()
    {
        _term?.Dispose();
        _int?.Dispose();
        LibC.close(_read);
        LibC.close(_write);
    }
}
