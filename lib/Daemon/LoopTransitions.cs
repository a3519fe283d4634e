using System;

namespace HvDaemons.Daemon;

/// <summary>What the loop's I/O shell observed in the state it was in.</summary>
public enum LoopEvent
{
    /// <summary>The device is open and the registration was written.</summary>
    Opened,
    /// <summary>EBUSY at open: another daemon holds the device.</summary>
    OpenBusy,
    /// <summary>The device does not exist on this machine (service switched off, confidential VM).</summary>
    DeviceAbsent,
    /// <summary>Any other open error, or the registration write failed.</summary>
    OpenFailed,
    /// <summary>The kernel's registration reply (over uio: the host's IC negotiation) was read.</summary>
    RegistrationReply,
    /// <summary>An answer to the registration that this daemon cannot accept.</summary>
    HandshakeRejected,
    /// <summary>A message for the handler.</summary>
    Request,
    /// <summary>Woken with nothing for the handler (EAGAIN, EINTR, a message the transport answered).</summary>
    Idle,
    /// <summary>The handler's timer expired while waiting (the VSS watchdog).</summary>
    TimerDue,
    /// <summary>A read failed (EIO, EINVAL, EBADF after a host restart): reopen.</summary>
    ReadFailed,
    /// <summary>poll failed with something other than EINVAL: pause, then wait again.</summary>
    PollFailed,
    /// <summary>poll said EINVAL: the descriptors are unusable.</summary>
    PollUnusable,
    /// <summary>The handler wrote its reply into the buffer.</summary>
    Handled,
    /// <summary>The reply went out.</summary>
    Sent,
    /// <summary>The reply write failed (a kernel timeout, the hibernation fake message).</summary>
    SendFailed,
    /// <summary>The pause before reconnecting is over.</summary>
    BackoffDone,
    /// <summary>SIGTERM, SIGINT or SIGHUP.</summary>
    Stop,
}

/// <summary>Side effects the shell performs with a transition, besides entering its state.</summary>
[Flags]
public enum LoopAction
{
    None = 0,
    /// <summary>Tell the handler and systemd that the service is registered.</summary>
    Registered = 1,
    /// <summary>Run the handler's timer.</summary>
    RunTimer = 2,
    /// <summary>Pause briefly (watching the stop signal) before waiting again.</summary>
    Pause = 4,
    /// <summary>A request was answered: count it, and reopens start backing off from zero again.</summary>
    Answered = 8,
    /// <summary>The event cannot happen in this state: a bug in the shell, logged before leaving.</summary>
    Impossible = 16,
}

/// <summary>One transition: the next state, what to do with it, and the exit status when it is Dying.</summary>
public readonly record struct LoopStep(DaemonState Next, LoopAction Actions = LoopAction.None, int ExitCode = 0);

/// <summary>
/// The daemon loop's transition function, free of I/O so that it can be tested as a table:
/// the states mirror the kernel's service states from the daemon's side (docs/protocol.md §2),
/// the events are what the shell (<see cref="ServiceLoop"/>) observed. Dying is terminal.
/// </summary>
public static class LoopTransitions
{
    /// <param name="registered">Whether the registration reply has been read since the last
    /// open: a request answered before it (KVP's kernel may route one) returns to Registering,
    /// so that the reply is still recognised when it comes.</param>
    public static LoopStep Next(DaemonState state, LoopEvent e, bool registered = true) => state switch
    {
        DaemonState.Connecting => e switch
        {
            LoopEvent.Opened => new(DaemonState.Registering),
            LoopEvent.DeviceAbsent => Leave(0),
            LoopEvent.OpenBusy or LoopEvent.OpenFailed => Leave(1),
            LoopEvent.Stop => Leave(0),
            _ => Impossible(),
        },
        DaemonState.Registering or DaemonState.Ready => Waiting(state, e),
        DaemonState.Busy => e == LoopEvent.Handled ? new(DaemonState.Replying) : Impossible(),
        DaemonState.Replying => e switch
        {
            LoopEvent.Sent => new(registered ? DaemonState.Ready : DaemonState.Registering, LoopAction.Answered),
            LoopEvent.SendFailed => new(DaemonState.Reopening),
            _ => Impossible(),
        },
        DaemonState.Reopening => e switch
        {
            LoopEvent.BackoffDone => new(DaemonState.Connecting),
            LoopEvent.Stop => Leave(0),
            _ => Impossible(),
        },
        _ => new(DaemonState.Dying),
    };

    /// <summary>Registering and Ready wait for the same things; only the reply differs in meaning
    /// (a second one, over uio after the host restarted, re-registers).</summary>
    static LoopStep Waiting(DaemonState state, LoopEvent e) => e switch
    {
        LoopEvent.RegistrationReply => new(DaemonState.Ready, LoopAction.Registered),
        LoopEvent.HandshakeRejected => state == DaemonState.Registering ? Leave(1) : Impossible(),
        LoopEvent.Request => new(DaemonState.Busy),
        LoopEvent.Idle => new(state),
        LoopEvent.TimerDue => new(state, LoopAction.RunTimer),
        LoopEvent.ReadFailed => new(DaemonState.Reopening),
        LoopEvent.PollFailed => new(state, LoopAction.Pause),
        LoopEvent.PollUnusable => Leave(1),
        LoopEvent.Stop => Leave(0),
        _ => Impossible(),
    };

    static LoopStep Leave(int exitCode) => new(DaemonState.Dying, LoopAction.None, exitCode);

    static LoopStep Impossible() => new(DaemonState.Dying, LoopAction.Impossible, 1);
}
