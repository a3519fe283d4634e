using System;
using System.Buffers.Binary;
using HvDaemons.Wire;

namespace HvDaemons.Transport;

/// <summary>Outcome of answering an ICMSGTYPE_NEGOTIATE.</summary>
public enum NegotiationOutcome
{
    /// <summary>Framework 3.0 and service 1.1 offered and accepted.</summary>
    Agreed,
    /// <summary>Well-formed, but the host offered neither or only one of our versions.</summary>
    NoCommonVersion,
    /// <summary>Too short to hold the version counts, or counts beyond the packet.</summary>
    Malformed,
}

/// <summary>
/// The IC version handshake the kernel did for the char device and the uio daemon must do
/// itself (docs/protocol.md §7.5): pick framework 3.0 and fcopy service 1.1 from the host's lists
/// and rewrite the payload in place as the answer. The status goes in the IC header.
/// </summary>
public static class IcNegotiation
{
    public const ushort FrameworkMajor = 3, FrameworkMinor = 0;
    public const ushort ServiceMajor = 1, ServiceMinor = 1;
    /// <summary>icmsgsize of the answer, as upstream.</summary>
    public const ushort ResponseMessageSize = 16;

    /// <param name="payload">The IC payload (vmbuspipe_hdr onwards), modified in place.</param>
    public static NegotiationOutcome Answer(Span<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(payload[IcLayout.Status..], HvStatus.E_FAIL);
        if (payload.Length < IcLayout.Versions) return NegotiationOutcome.Malformed;

        int frameworks = BinaryPrimitives.ReadUInt16LittleEndian(payload[IcLayout.FrameVersionCount..]);
        int services = BinaryPrimitives.ReadUInt16LittleEndian(payload[IcLayout.MessageVersionCount..]);
        int fw = -1, svc = -1;
        bool fits = frameworks <= IcLayout.MaxVersionCount && services <= IcLayout.MaxVersionCount
                    && payload.Length >= IcLayout.Versions + IcLayout.VersionEntrySize * (frameworks + services);
        if (fits)
        {
            fw = Find(payload, 0, frameworks, FrameworkMajor, FrameworkMinor);
            svc = Find(payload, frameworks, services, ServiceMajor, ServiceMinor);
        }

        bool agreed = fw >= 0 && svc >= 0;
        BinaryPrimitives.WriteUInt16LittleEndian(payload[IcLayout.MessageSize..], ResponseMessageSize);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[IcLayout.FrameVersionCount..], (ushort)(agreed ? 1 : 0));
        BinaryPrimitives.WriteUInt16LittleEndian(payload[IcLayout.MessageVersionCount..], (ushort)(agreed ? 1 : 0));
        if (!agreed) return fits ? NegotiationOutcome.NoCommonVersion : NegotiationOutcome.Malformed;

        // Both entries exist, so the payload holds at least two version slots.
        WriteVersion(payload, 0, FrameworkMajor, FrameworkMinor);
        WriteVersion(payload, 1, ServiceMajor, ServiceMinor);
        BinaryPrimitives.WriteUInt32LittleEndian(payload[IcLayout.Status..], HvStatus.S_OK);
        return NegotiationOutcome.Agreed;
    }

    static int Find(ReadOnlySpan<byte> payload, int first, int count, ushort major, ushort minor)
    {
        for (int i = 0; i < count; i++)
        {
            int at = IcLayout.Versions + IcLayout.VersionEntrySize * (first + i);
            if (BinaryPrimitives.ReadUInt16LittleEndian(payload[at..]) == major
                && BinaryPrimitives.ReadUInt16LittleEndian(payload[(at + 2)..]) == minor)
                return i;
        }
        return -1;
    }

    static void WriteVersion(Span<byte> payload, int slot, ushort major, ushort minor)
    {
        int at = IcLayout.Versions + IcLayout.VersionEntrySize * slot;
        BinaryPrimitives.WriteUInt16LittleEndian(payload[at..], major);
        BinaryPrimitives.WriteUInt16LittleEndian(payload[(at + 2)..], minor);
    }
}
