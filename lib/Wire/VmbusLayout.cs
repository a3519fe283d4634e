namespace HvDaemons.Wire;

/// <summary>
/// The VMBus ring shared with the host through uio (docs/protocol.md §7.2, §7.3) and the packet
/// descriptor at the head of every packet (vmbus_chanpkt_hdr, docs/protocol.md §3.7).
/// </summary>
public static class VmbusLayout
{
    // Ring control page (hv_ring_buffer); the data area follows at ControlPageSize.
    public const int WriteIndex = 0;
    public const int ReadIndex = 4;
    public const int InterruptMask = 8;
    public const int PendingSendSize = 12;
    public const int FeatureBits = 64;
    public const int ControlPageSize = 4096;

    // Packet descriptor
    public const int PacketType = 0;
    public const int HeaderLength8 = 2;    // in 8-byte units
    public const int TotalLength8 = 4;     // in 8-byte units, without the trailer
    public const int PacketFlags = 6;
    public const int TransactionId = 8;
    public const int DescriptorSize = 16;
    public const int DescriptorUnits = DescriptorSize / 8;

    /// <summary>Every packet is followed by 8 bytes: the write index it started at, in the upper half.</summary>
    public const int TrailerSize = 8;
    public const int Alignment = 8;

    public const ushort PacketTypeInband = 6;
    /// <summary>Upstream's uio daemon answers with this id instead of echoing the host's (docs/protocol.md §7.3).</summary>
    public const ulong ResponseTransactionId = ulong.MaxValue;
}

/// <summary>IC framing inside a packet's payload: vmbuspipe_hdr + icmsg_hdr (docs/protocol.md §3.7).</summary>
public static class IcLayout
{
    public const int PipeFlags = 0;
    public const int PipeMessageSize = 4;
    public const int FrameVersionMajor = 8;
    public const int FrameVersionMinor = 10;
    public const int MessageType = 12;
    public const int MessageVersionMajor = 14;
    public const int MessageVersionMinor = 16;
    public const int MessageSize = 18;
    public const int Status = 20;
    public const int TransactionId = 24;
    public const int Flags = 25;
    public const int HeaderSize = 28;       // ICMSG_HDR: the service message starts here

    // icmsg_negotiate, after the header
    public const int FrameVersionCount = HeaderSize;
    public const int MessageVersionCount = HeaderSize + 2;
    public const int Versions = HeaderSize + 8;
    public const int VersionEntrySize = 4;
    public const int MaxVersionCount = 100;

    public const ushort TypeNegotiate = 0;
    public const ushort TypeFcopy = 7;

    public const byte FlagTransaction = 1;
    public const byte FlagRequest = 2;
    public const byte FlagResponse = 4;
    public const byte ResponseFlags = FlagTransaction | FlagResponse;
}
