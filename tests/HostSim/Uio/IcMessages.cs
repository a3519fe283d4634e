using System;
using System.Buffers.Binary;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Uio;

/// <summary>The host's IC payloads on the uio ring (docs/protocol.md §7.4): an icmsg_hdr, then a
/// version negotiation or a service message.</summary>
public static class IcMessages
{
    /// <summary>A request of <paramref name="type"/> carrying <paramref name="message"/>, framework 3.0, message version 1.1.</summary>
    public static byte[] Request(ushort type, ReadOnlySpan<byte> message)
    {
        var p = new byte[IcLayout.HeaderSize + message.Length];
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.FrameVersionMajor), 3);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.MessageType), type);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.MessageVersionMajor), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.MessageVersionMinor), 1);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.MessageSize), (ushort)message.Length);
        p[IcLayout.Flags] = IcLayout.FlagTransaction | IcLayout.FlagRequest;
        message.CopyTo(p.AsSpan(IcLayout.HeaderSize));
        return p;
    }

    /// <summary>A negotiation: header, counts, then "major.minor" entries (frameworks first);
    /// <paramref name="extra"/> trailing zero bytes.</summary>
    public static byte[] Negotiation(int frameworks, int services, string[] versions, int extra = 0)
    {
        var p = new byte[IcLayout.Versions + 4 * versions.Length + extra];
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.MessageType), IcLayout.TypeNegotiate);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.FrameVersionCount), (ushort)frameworks);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.MessageVersionCount), (ushort)services);
        for (int i = 0; i < versions.Length; i++)
        {
            string[] mm = versions[i].Split('.');
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.Versions + 4 * i), ushort.Parse(mm[0]));
            BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.Versions + 4 * i + 2), ushort.Parse(mm[1]));
        }
        return p;
    }
}
