using HvDaemons.Os;

namespace HvDaemons.Transport;

/// <summary>What one transport operation produced.</summary>
public enum ChannelEvent
{
    /// <summary>Open/Send succeeded, or Receive returned a request of <see cref="ChannelResult.Length"/> bytes.</summary>
    Ok,
    /// <summary>The kernel's registration reply was read; the service is now registered.</summary>
    Registered,
    /// <summary>Woken, but there was no request for the daemon (e.g. a negotiation the channel answered itself).</summary>
    Nothing,
    /// <summary>Another daemon holds the device (EBUSY on open).</summary>
    Busy,
    /// <summary>The device does not exist on this machine.</summary>
    NotFound,
    /// <summary>The kernel answered the registration with something we do not understand.</summary>
    HandshakeRejected,
    /// <summary>The device opened but the registration could not be written.</summary>
    RegistrationFailed,
    /// <summary>A system call failed; <see cref="ChannelResult.Errno"/> says why.</summary>
    Failed,
}

/// <summary>Typed result at the transport edge: no exceptions for expected failures.</summary>
public readonly record struct ChannelResult(ChannelEvent Event, int Length = 0, Errno Errno = Errno.None, string? Detail = null)
{
    public static ChannelResult Ok(int length = 0) => new(ChannelEvent.Ok, length);
    public static ChannelResult Failed(Errno errno, string? detail = null) => new(ChannelEvent.Failed, 0, errno, detail);
    public static readonly ChannelResult Nothing = new(ChannelEvent.Nothing);
}
