namespace HvDaemons.HostSim.Kernel;

/// <summary>A kernel slow to answer a registration: tests hold the reply back to see what a
/// daemon does while its registration is outstanding (e.g. that it does not say READY=1).</summary>
public abstract partial class SimService
{
    bool _holdRegistration;
    byte[]? _heldRegistrationReply;

    /// <summary>
    /// While true, the reply to a daemon's registration is not queued but held until
    /// <see cref="ReleaseRegistrationReply"/>, as when the kernel is slow to answer: tests see
    /// what the daemon does while its registration is outstanding.
    /// </summary>
    public bool HoldRegistrationReplies
    {
        get { lock (_gate) return _holdRegistration; }
        set { lock (_gate) _holdRegistration = value; }
    }

    /// <summary>True while a registration reply is held back.</summary>
    public bool RegistrationReplyHeld { get { lock (_gate) return _heldRegistrationReply is not null; } }

    /// <summary>Queues the held registration reply for the daemon; false if none was held.</summary>
    public bool ReleaseRegistrationReply()
    {
        lock (_gate)
        {
            if (_heldRegistrationReply is not byte[] reply) return false;
            _heldRegistrationReply = null;
            Note("registration reply released");
            return Send(reply, RegistrationDone);
        }
    }

    /// <summary>The kernel's answer to a registration: queued now, or held (see <see cref="HoldRegistrationReplies"/>).</summary>
    private protected bool SendRegistrationReply(byte[] reply)
    {
        if (!_holdRegistration) return Send(reply, RegistrationDone);
        _heldRegistrationReply = reply;
        Note("registration reply held");
        return true;
    }
}
