using System;

namespace HvDaemons.Daemon;

/// <summary>A daemon's message handler: the part of each daemon that is not transport.</summary>
public interface IServiceHandler
{
    /// <summary>Size of the receive buffer: the largest request this service can get.</summary>
    int MaxMessageSize { get; }

    /// <summary>The handshake completed; <paramref name="version"/> is what the kernel reported.</summary>
    void OnRegistered(string version);

    /// <summary>
    /// Handles one request of <paramref name="length"/> bytes in <paramref name="buffer"/> and
    /// writes the reply into the same buffer. Never throws for bad input: a bad request gets a
    /// defined status.
    /// </summary>
    /// <returns>The reply's length in bytes.</returns>
    int Handle(Span<byte> buffer, int length);

    /// <summary>The transport is about to be closed and reopened, the daemon is stopping, or it
    /// crashed: undo whatever a half-finished transaction left (VSS thaws, fcopy removes a
    /// partial file). On <see cref="ResetReason.Crash"/> undo only: nothing else runs after it.</summary>
    void OnReset(ResetReason reason);

    /// <summary>Milliseconds until <see cref="OnTimer"/> is due, or -1 for none (VSS watchdog).</summary>
    int TimerDueMs();

    /// <summary>A line for `systemctl status` while this state lasts (e.g. "frozen: 3 filesystems"),
    /// or null for the default "registered, protocol ...".</summary>
    string? Status => null;

    /// <summary>Called when the time from <see cref="TimerDueMs"/> has passed.</summary>
    void OnTimer();
}

/// <summary>Why <see cref="IServiceHandler.OnReset"/> runs.</summary>
public enum ResetReason
{
    Reopen,
    Shutdown,
    /// <summary>An unexpected exception ended the loop; the process exits 1 right after.</summary>
    Crash,
}
