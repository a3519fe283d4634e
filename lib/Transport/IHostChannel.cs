using System;

namespace HvDaemons.Transport;

/// <summary>
/// One transport under all three services: the /dev/vmbus char devices, the fcopy uio ring,
/// and an in-memory fake for unit tests. A channel carries exactly one request and one reply
/// at a time, in the char-device message formats; a transport with a different framing (the
/// uio ring) translates at its edge.
/// </summary>
public interface IHostChannel : IDisposable
{
    /// <summary>What to name in logs, e.g. "/dev/vmbus/hv_kvp".</summary>
    string Description { get; }

    /// <summary>Opens the transport and starts the version handshake (writes the registration).</summary>
    ChannelResult Open();

    /// <summary>How the kernel answers this channel's registration, for the loop to recognise the
    /// reply; null when the transport negotiates by itself (the uio ring) and reports
    /// <see cref="ChannelEvent.Registered"/> from <see cref="Receive"/>.</summary>
    IRegistration? Registration { get; }

    /// <summary>Descriptor that polls readable when <see cref="Receive"/> has something; -1 when closed.</summary>
    int PollFd { get; }

    /// <summary>True when <see cref="Receive"/> may block until a message arrives and a signal
    /// ends it with EINTR (the char devices): the loop can read without a poll first.</summary>
    bool ReceiveBlocks => false;

    /// <summary>Reads one message. Over the char devices this is any message, the registration
    /// reply included; the loop tells them apart with <see cref="Registration"/>.</summary>
    ChannelResult Receive(Span<byte> buffer);

    /// <summary>Writes one reply for the request last received.</summary>
    ChannelResult Send(ReadOnlySpan<byte> reply);

    /// <summary>Closes the transport; the kernel fails any request still in flight.</summary>
    void Close();
}
