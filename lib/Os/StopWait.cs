using System;

namespace HvDaemons.Os;

/// <summary>
/// Sleeps that end as soon as a stop descriptor becomes readable (the daemon's SIGTERM pipe,
/// which stays readable once written), so no wait inside a request is deaf to a stop.
/// A descriptor below 0 means "nothing to watch": a plain sleep.
/// </summary>
public static class StopWait
{
    /// <summary>Waits up to <paramref name="milliseconds"/>; false if a stop was requested.</summary>
    public static bool Sleep(int milliseconds, int stopFd)
    {
        if (stopFd < 0)
        {
            if (milliseconds > 0) System.Threading.Thread.Sleep(milliseconds);
            return true;
        }
        SysResult r = Posix.PollReadable(stopFd, -1, Math.Max(0, milliseconds), out bool stopped, out _);
        return !(r.Ok && stopped);
    }

    /// <summary>True once a stop was requested on <paramref name="stopFd"/>.</summary>
    public static bool Requested(int stopFd) => stopFd >= 0 && !Sleep(0, stopFd);
}
