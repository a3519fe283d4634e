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

    /// <summary>True between <see cref="Open"/> and reading the kernel's registration reply.</summary>
    bool InHandshake { get; }

    /// <summary>Descriptor that polls readable when <see cref="Receive"/> has something; -1 when closed.</summary>
    int PollFd { get; }

    /// <summary>True when <see cref="Receive"/> may block until a message arrives and a signal
    /// ends it with EINTR (the char devices): the loop can read without a poll first.</summary>
    bool ReceiveBlocks => false;

    /// <summary>Reads one message. During the handshake the kernel's reply yields
    /// <see cref="ChannelEvent.Registered"/> with the version in Detail.</summary>
    ChannelResult Receive(Span<byte> buffer);

    /// <summary>Writes one reply for the request last received.</summary>
    ChannelResult Send(ReadOnlySpan<byte> reply);

    /// <summary>Closes the transport; the kernel fails any request still in flight.</summary>
    void Close();
}
