using System;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Pool;

/// <summary>How a bounded wait for the pool's locks ended.</summary>
internal enum LockOutcome
{
    Acquired,
    /// <summary>Another program kept a lock past the deadline.</summary>
    TimedOut,
    /// <summary>The daemon was asked to stop while waiting.</summary>
    Stopped,
    /// <summary>A lock call failed for another reason than contention (logged by the caller).</summary>
    Failed,
}

/// <summary>
/// Waits for the pool's locks without ever blocking in the kernel: non-blocking attempts with a
/// short, growing pause between them, until a deadline well under the kernel's 30 s wait for a
/// KVP reply, and only as long as no stop is requested. A blocking flock or F_SETLKW would be
/// deaf to SIGTERM and could outlast the host's patience (see docs/kvp.md, "Locks").
/// </summary>
internal static class LockWait
{
    /// <summary>The daemon's deadline: the host still gets our failure reply, not its own timeout.</summary>
    public const int DefaultTimeoutMs = 10_000;

    public const int FirstPauseMs = 1;
    public const int MaxPauseMs = 50;

    /// <param name="attempt">One non-blocking try at both locks.</param>
    /// <param name="pause">Sleeps the given milliseconds; false if a stop was requested.</param>
    /// <param name="clockMs">A monotonic clock in milliseconds.</param>
    /// <param name="last">The last attempt's result (its errno names the cause on failure).</param>
    public static LockOutcome Run(Func<SysResult> attempt, int timeoutMs, Func<int, bool> pause,
                                  Func<long> clockMs, out SysResult last)
    {
        long deadline = clockMs() + timeoutMs;
        int pauseMs = FirstPauseMs;
        while (true)
        {
            last = attempt();
            if (last.Ok) return LockOutcome.Acquired;
            if (!IsContention(last.Error)) return LockOutcome.Failed;
            long left = deadline - clockMs();
            if (left <= 0) return LockOutcome.TimedOut;
            if (!pause((int)Math.Min(pauseMs, left))) return LockOutcome.Stopped;
            pauseMs = Math.Min(MaxPauseMs, pauseMs * 2);
        }
    }

    /// <summary>EWOULDBLOCK (= EAGAIN) from flock, EAGAIN or EACCES from F_SETLK: someone holds it.</summary>
    public static bool IsContention(Errno errno) => errno == Errno.EAGAIN || errno == Errno.EACCES;
}
