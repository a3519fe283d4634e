using System;
using System.Collections.Generic;
using System.Linq;
using HvDaemons.Daemon;
using Xunit;

namespace HvDaemons.Tests.Daemon;

/// <summary>
/// The loop's transition function as a table, without any I/O: every state × every event has
/// exactly the outcome written here, so a changed transition fails a row.
/// </summary>
public class LoopTransitionsTests
{
    const DaemonState C = DaemonState.Connecting, G = DaemonState.Registering, R = DaemonState.Ready,
        B = DaemonState.Busy, P = DaemonState.Replying, O = DaemonState.Reopening, D = DaemonState.Dying;

    // Expected (next state, actions, exit status) for the events that can happen in a state;
    // every other pair is Impossible (Dying, exit 1, logged) and Dying stays Dying.
    static readonly Dictionary<(DaemonState, LoopEvent), LoopStep> Table = new()
    {
        [(C, LoopEvent.Opened)] = new(G),
        [(C, LoopEvent.DeviceAbsent)] = new(D, LoopAction.None, 0),
        [(C, LoopEvent.OpenBusy)] = new(D, LoopAction.None, 1),
        [(C, LoopEvent.OpenFailed)] = new(D, LoopAction.None, 1),
        [(C, LoopEvent.Stop)] = new(D, LoopAction.None, 0),

        [(G, LoopEvent.RegistrationReply)] = new(R, LoopAction.Registered),
        [(G, LoopEvent.HandshakeRejected)] = new(D, LoopAction.None, 1),
        [(G, LoopEvent.Request)] = new(B),
        [(G, LoopEvent.Idle)] = new(G),
        [(G, LoopEvent.TimerDue)] = new(G, LoopAction.RunTimer),
        [(G, LoopEvent.ReadFailed)] = new(O),
        [(G, LoopEvent.PollFailed)] = new(G, LoopAction.Pause),
        [(G, LoopEvent.PollUnusable)] = new(D, LoopAction.None, 1),
        [(G, LoopEvent.Stop)] = new(D, LoopAction.None, 0),

        // A second registration (uio: the host negotiates again after it restarted).
        [(R, LoopEvent.RegistrationReply)] = new(R, LoopAction.Registered),
        [(R, LoopEvent.Request)] = new(B),
        [(R, LoopEvent.Idle)] = new(R),
        [(R, LoopEvent.TimerDue)] = new(R, LoopAction.RunTimer),
        [(R, LoopEvent.ReadFailed)] = new(O),
        [(R, LoopEvent.PollFailed)] = new(R, LoopAction.Pause),
        [(R, LoopEvent.PollUnusable)] = new(D, LoopAction.None, 1),
        [(R, LoopEvent.Stop)] = new(D, LoopAction.None, 0),

        [(B, LoopEvent.Handled)] = new(P),

        [(P, LoopEvent.Sent)] = new(R, LoopAction.Answered),
        // EINVAL after a kernel timeout or the hibernation fake THAW/CANCEL: reopen.
        [(P, LoopEvent.SendFailed)] = new(O),

        [(O, LoopEvent.BackoffDone)] = new(C),
        [(O, LoopEvent.Stop)] = new(D, LoopAction.None, 0),
    };

    public static IEnumerable<object[]> EveryPair() =>
        from s in Enum.GetValues<DaemonState>()
        from e in Enum.GetValues<LoopEvent>()
        select new object[] { s, e };

    [Theory]
    [MemberData(nameof(EveryPair))]
    public void Every_state_and_event(DaemonState state, LoopEvent e)
    {
        LoopStep expected = state == D ? new LoopStep(D)
            : Table.TryGetValue((state, e), out LoopStep step) ? step
            : new LoopStep(D, LoopAction.Impossible, 1);
        Assert.Equal(expected, LoopTransitions.Next(state, e));
    }

    [Fact]
    public void The_table_covers_each_state_but_Dying()
    {
        foreach (DaemonState s in Enum.GetValues<DaemonState>().Where(s => s != D))
            Assert.Contains(Table.Keys, k => k.Item1 == s);
        Assert.Equal(7 * 17, EveryPair().Count());
    }

    [Fact]
    public void A_request_answered_before_the_registration_reply_waits_for_it_again()
    {
        Assert.Equal(new LoopStep(G, LoopAction.Answered), LoopTransitions.Next(P, LoopEvent.Sent, registered: false));
    }

    static DaemonState Run(DaemonState from, params LoopEvent[] events)
    {
        foreach (LoopEvent e in events) from = LoopTransitions.Next(from, e).Next;
        return from;
    }

    [Fact]
    public void Hibernation_fake_THAW_is_served_then_the_failed_reply_reopens_and_registers_again()
    {
        Assert.Equal(G, Run(R, LoopEvent.Request, LoopEvent.Handled, LoopEvent.SendFailed, LoopEvent.BackoffDone, LoopEvent.Opened));
        Assert.Equal(R, Run(G, LoopEvent.RegistrationReply));
    }

    [Theory]
    [InlineData(C)]
    [InlineData(G)]
    [InlineData(R)]
    [InlineData(O)]
    public void A_stop_in_any_waiting_state_leaves_with_status_0(DaemonState s)
    {
        Assert.Equal(new LoopStep(D, LoopAction.None, 0), LoopTransitions.Next(s, LoopEvent.Stop));
    }
}
