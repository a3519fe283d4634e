namespace HvDaemons.Daemon;

/// <summary>
/// The daemon's side of the kernel's service state machine (hvutil_device_state):
/// each state names what the loop is waiting for.
/// </summary>
public enum DaemonState
{
    /// <summary>No device open: open it and write the registration.</summary>
    Connecting,
    /// <summary>Registration written; waiting for the kernel's version reply.</summary>
    Registering,
    /// <summary>Registered and idle: waiting for a host request.</summary>
    Ready,
    /// <summary>A host request is being handled.</summary>
    Busy,
    /// <summary>The reply is being written.</summary>
    Replying,
    /// <summary>A read or write failed: undo, close, and connect again.</summary>
    Reopening,
    /// <summary>SIGTERM/SIGINT or a fatal error: undo and leave.</summary>
    Dying,
}
