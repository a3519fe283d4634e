using System;

namespace HvDaemons.Transport;

/// <summary>How the kernel's answer to a registration is to be taken.</summary>
public enum HandshakeOutcome
{
    /// <summary>The registration reply: the service is registered.</summary>
    Accepted,
    /// <summary>Not the reply but an ordinary request (KVP handles those even mid-handshake).</summary>
    NotAReply,
    /// <summary>Not a reply this daemon can accept: upstream exits.</summary>
    Rejected,
}

/// <summary>A service's version handshake over its char device (docs/protocol.md §2.1).</summary>
public interface IRegistration
{
    /// <summary>Bytes of the registration write.</summary>
    int RequestSize { get; }

    /// <summary>Fills the registration message (buffer is zeroed and RequestSize long).</summary>
    void WriteRequest(Span<byte> request);

    /// <summary>Classifies a message read while the registration is outstanding.</summary>
    HandshakeOutcome Check(ReadOnlySpan<byte> message, out string version);
}
