namespace HvDaemons.Daemon;

/// <summary>
/// A handler whose requests may wait (another program's lock, a helper script): it watches the
/// daemon's stop signal during those waits, so SIGTERM ends them at once instead of after them.
/// </summary>
public interface IStopAware
{
    /// <summary>Called once, before the first request; <see cref="StopSignal.Fd"/> stays readable after a stop.</summary>
    void WatchStop(StopSignal stop);
}
