using System;
using System.IO;
using HvDaemons.HostSim.Uio;
using HvDaemons.Tests.Fcopy;
using HvDaemons.Wire;
using Xunit;
using U = System.Buffers.Binary.BinaryPrimitives;

namespace HvDaemons.Tests;

/// <summary>
/// An oracle for the VMBus ring and IC framing independent of lib: the installed uapi header
/// (which <see cref="LayoutOracleTests"/> compiles against) has none of these structs, and the
/// simulated host builds its packets from the same <see cref="VmbusLayout"/>/<see cref="IcLayout"/>
/// constants, so a wrong constant would agree with itself. The offsets below are written out by
/// hand from the public definitions in the Linux kernel's include/linux/hyperv.h (struct
/// hv_ring_buffer, vmpacket_descriptor, vmbuspipe_hdr, ic_version, icmsg_hdr, icmsg_negotiate;
/// every struct there is __packed) and checked three ways: against our constants, against the
/// bytes the simulated host writes, and against the bytes the daemon's channel writes.
/// </summary>
public sealed class RingLayoutOracleTests : IDisposable
{
    // struct hv_ring_buffer: u32 write_index, read_index, interrupt_mask, pending_send_sz;
    // u32 reserved1[12]; u32 feature_bits; u8 reserved2[4028]; u8 buffer[] (the data area).
    const int RingWriteIndex = 0, RingReadIndex = 4, RingInterruptMask = 8, RingPendingSendSz = 12,
        RingReserved1 = 16, RingFeatureBits = 64, RingReserved2 = 68, RingBuffer = 4096;

    // struct vmpacket_descriptor: u16 type, offset8, len8, flags; u64 trans_id.
    const int PktType = 0, PktOffset8 = 2, PktLen8 = 4, PktFlags = 6, PktTransId = 8, PktSize = 16;
    const int VM_PKT_DATA_INBAND = 6, VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED = 1;

    // struct vmbuspipe_hdr: u32 flags, msgsize. struct ic_version: u16 major, minor.
    const int PipeFlags = 0, PipeMsgSize = 4, PipeSize = 8, VersionMajor = 0, VersionMinor = 2, VersionSize = 4;

    // struct icmsg_hdr: ic_version icverframe; u16 icmsgtype; ic_version icvermsg; u16 icmsgsize;
    // u32 status; u8 ictransaction_id, icflags, reserved[2].
    const int HdrVerFrame = 0, HdrMsgType = 4, HdrVerMsg = 6, HdrMsgSize = 10, HdrStatus = 12,
        HdrTransactionId = 16, HdrFlags = 17, HdrReserved = 18, HdrSize = 20;

    // struct icmsg_negotiate: u16 icframe_vercnt, icmsg_vercnt; u32 reserved; ic_version icversion_data[].
    const int NegFrameCount = 0, NegMsgCount = 2, NegReserved = 4, NegVersions = 8;

    const int ICMSGTYPE_NEGOTIATE = 0, ICMSGTYPE_FCOPY = 7;
    const int ICMSGHDRFLAG_TRANSACTION = 1, ICMSGHDRFLAG_REQUEST = 2, ICMSGHDRFLAG_RESPONSE = 4;
    const int IC_VERSION_NEGOTIATION_MAX_VER_COUNT = 100;

    // The IC message sits after the pipe header; the fcopy message after both (ICMSG_HDR).
    const int Hdr = PipeSize, IcmsgHdr = PipeSize + HdrSize;

    readonly string _dir = Directory.CreateTempSubdirectory("hvd-ringoracle-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void TheHandWrittenTableIsConsistentWithTheFieldTypes()
    {
        // Guards the literals themselves: each field ends where the next begins.
        Assert.Equal(RingReserved1 + 12 * 4, RingFeatureBits);
        Assert.Equal(RingFeatureBits + 4, RingReserved2);
        Assert.Equal(RingReserved2 + 4028, RingBuffer);
        Assert.Equal(PktTransId + 8, PktSize);
        Assert.Equal(HdrVerMsg + VersionSize + 2, HdrStatus);
        Assert.Equal(HdrReserved + 2, HdrSize);
        Assert.Equal(NegReserved + 4, NegVersions);
        Assert.Equal(28, IcmsgHdr);
    }

    [Fact]
    public void RingConstantsMatchTheKernelDefinition()
    {
        Assert.Equal(RingWriteIndex, VmbusLayout.WriteIndex);
        Assert.Equal(RingReadIndex, VmbusLayout.ReadIndex);
        Assert.Equal(RingInterruptMask, VmbusLayout.InterruptMask);
        Assert.Equal(RingPendingSendSz, VmbusLayout.PendingSendSize);
        Assert.Equal(RingFeatureBits, VmbusLayout.FeatureBits);
        Assert.Equal(RingBuffer, VmbusLayout.ControlPageSize);
        Assert.Equal(PktType, VmbusLayout.PacketType);
        Assert.Equal(PktOffset8, VmbusLayout.HeaderLength8);
        Assert.Equal(PktLen8, VmbusLayout.TotalLength8);
        Assert.Equal(PktFlags, VmbusLayout.PacketFlags);
        Assert.Equal(PktTransId, VmbusLayout.TransactionId);
        Assert.Equal(PktSize, VmbusLayout.DescriptorSize);
        Assert.Equal(PktSize / 8, VmbusLayout.DescriptorUnits);
        Assert.Equal(VM_PKT_DATA_INBAND, VmbusLayout.PacketTypeInband);
    }

    [Fact]
    public void IcConstantsMatchTheKernelDefinition()
    {
        Assert.Equal(PipeFlags, IcLayout.PipeFlags);
        Assert.Equal(PipeMsgSize, IcLayout.PipeMessageSize);
        Assert.Equal(Hdr + HdrVerFrame + VersionMajor, IcLayout.FrameVersionMajor);
        Assert.Equal(Hdr + HdrVerFrame + VersionMinor, IcLayout.FrameVersionMinor);
        Assert.Equal(Hdr + HdrMsgType, IcLayout.MessageType);
        Assert.Equal(Hdr + HdrVerMsg + VersionMajor, IcLayout.MessageVersionMajor);
        Assert.Equal(Hdr + HdrVerMsg + VersionMinor, IcLayout.MessageVersionMinor);
        Assert.Equal(Hdr + HdrMsgSize, IcLayout.MessageSize);
        Assert.Equal(Hdr + HdrStatus, IcLayout.Status);
        Assert.Equal(Hdr + HdrTransactionId, IcLayout.TransactionId);
        Assert.Equal(Hdr + HdrFlags, IcLayout.Flags);
        Assert.Equal(IcmsgHdr, IcLayout.HeaderSize);
        Assert.Equal(IcmsgHdr + NegFrameCount, IcLayout.FrameVersionCount);
        Assert.Equal(IcmsgHdr + NegMsgCount, IcLayout.MessageVersionCount);
        Assert.Equal(IcmsgHdr + NegVersions, IcLayout.Versions);
        Assert.Equal(VersionSize, IcLayout.VersionEntrySize);
        Assert.Equal(IC_VERSION_NEGOTIATION_MAX_VER_COUNT, IcLayout.MaxVersionCount);
        Assert.Equal(ICMSGTYPE_NEGOTIATE, IcLayout.TypeNegotiate);
        Assert.Equal(ICMSGTYPE_FCOPY, IcLayout.TypeFcopy);
        Assert.Equal(ICMSGHDRFLAG_TRANSACTION, IcLayout.FlagTransaction);
        Assert.Equal(ICMSGHDRFLAG_REQUEST, IcLayout.FlagRequest);
        Assert.Equal(ICMSGHDRFLAG_RESPONSE, IcLayout.FlagResponse);
    }

    [Fact]
    public void TheSimulatedHostBuildsPacketsAtTheKernelOffsets()
    {
        byte[] message = [1, 2, 3, 4, 5];
        byte[] payload = IcMessages.Request(ICMSGTYPE_FCOPY, message);
        Assert.Equal(IcmsgHdr + message.Length, payload.Length);
        Assert.Equal(3, U.ReadUInt16LittleEndian(payload.AsSpan(Hdr + HdrVerFrame + VersionMajor)));
        Assert.Equal(ICMSGTYPE_FCOPY, U.ReadUInt16LittleEndian(payload.AsSpan(Hdr + HdrMsgType)));
        Assert.Equal(1, U.ReadUInt16LittleEndian(payload.AsSpan(Hdr + HdrVerMsg + VersionMajor)));
        Assert.Equal(1, U.ReadUInt16LittleEndian(payload.AsSpan(Hdr + HdrVerMsg + VersionMinor)));
        Assert.Equal(message.Length, U.ReadUInt16LittleEndian(payload.AsSpan(Hdr + HdrMsgSize)));
        Assert.Equal(ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_REQUEST, payload[Hdr + HdrFlags]);
        Assert.Equal(message, payload[IcmsgHdr..]);

        byte[] negotiate = IcMessages.Negotiation(2, 1, ["1.0", "3.0", "1.1"]);
        Assert.Equal(ICMSGTYPE_NEGOTIATE, U.ReadUInt16LittleEndian(negotiate.AsSpan(Hdr + HdrMsgType)));
        Assert.Equal(2, U.ReadUInt16LittleEndian(negotiate.AsSpan(IcmsgHdr + NegFrameCount)));
        Assert.Equal(1, U.ReadUInt16LittleEndian(negotiate.AsSpan(IcmsgHdr + NegMsgCount)));
        Assert.Equal(3, U.ReadUInt16LittleEndian(negotiate.AsSpan(IcmsgHdr + NegVersions + VersionSize + VersionMajor)));
        Assert.Equal(1, U.ReadUInt16LittleEndian(negotiate.AsSpan(IcmsgHdr + NegVersions + 2 * VersionSize + VersionMinor)));

        byte[] packet = UioRingHost.InbandPacket(payload, 0x1122334455667788);
        Assert.Equal(VM_PKT_DATA_INBAND, U.ReadUInt16LittleEndian(packet.AsSpan(PktType)));
        Assert.Equal(PktSize / 8, U.ReadUInt16LittleEndian(packet.AsSpan(PktOffset8)));
        Assert.Equal(packet.Length / 8, U.ReadUInt16LittleEndian(packet.AsSpan(PktLen8)));
        Assert.Equal(0, packet.Length % 8);
        Assert.Equal(VMBUS_DATA_PACKET_FLAG_COMPLETION_REQUESTED, U.ReadUInt16LittleEndian(packet.AsSpan(PktFlags)));
        Assert.Equal(0x1122334455667788UL, U.ReadUInt64LittleEndian(packet.AsSpan(PktTransId)));
        Assert.Equal(payload, packet.AsSpan(PktSize, payload.Length).ToArray());
    }

    [Fact]
    public void TheHostsRingWritesAndTheDaemonsReplyAreAtTheKernelOffsets()
    {
        using var host = new UioRingHost(Path.Combine(_dir, "env"));
        int ring = UioRingHost.RingBytes;
        // Before the daemon opens: the simulated (old) driver has masked RX in its control page.
        Assert.Equal(1u, Word(host, ring + RingInterruptMask));

        using var daemon = new InProcessUioDaemon(host);
        host.Negotiate();
        byte[] message = FcopyMessages.Cancel();
        byte[] request = UioRingHost.InbandPacket(IcMessages.Request(ICMSGTYPE_FCOPY, message), 0);
        Assert.Equal(HvStatus.S_OK, host.Send(message));

        // RX (second ring of the mapping): two packets and their 8-byte trailers went in and were read.
        int negotiationLength = UioRingHost.InbandPacket(IcMessages.Negotiation(2, 2, ["1.0", "3.0", "1.0", "1.1"]), 0).Length;
        uint rxEnd = (uint)(negotiationLength + 8 + request.Length + 8);
        Assert.Equal(rxEnd, Word(host, ring + RingWriteIndex));
        Assert.Equal(rxEnd, Word(host, ring + RingReadIndex));
        // The idle daemon unmasks RX once it has answered (its doorbell, or its own write to the
        // mask); the host may read the reply before either has happened.
        Assert.True(System.Threading.SpinWait.SpinUntil(() =>
        {
            host.ApplyDaemonWrites();
            return Word(host, ring + RingInterruptMask) == 0;
        }, TimeSpan.FromSeconds(5)), "the idle daemon never unmasked RX");
        // The second packet's trailer: the write index it started at, in the upper half.
        ulong trailer = U.ReadUInt64LittleEndian(Bytes(host, ring + RingBuffer + (int)rxEnd - 8, 8));
        Assert.Equal((ulong)(negotiationLength + 8) << 32, trailer);

        // TX (first ring): the daemon's reply to the CANCEL is the second packet there.
        int at = RingBuffer + negotiationLength + 8;
        ReadOnlySpan<byte> reply = Bytes(host, at, request.Length);
        Assert.Equal(VM_PKT_DATA_INBAND, U.ReadUInt16LittleEndian(reply[PktType..]));
        Assert.Equal(PktSize / 8, U.ReadUInt16LittleEndian(reply[PktOffset8..]));
        Assert.Equal(request.Length / 8, U.ReadUInt16LittleEndian(reply[PktLen8..]));
        Assert.Equal(ulong.MaxValue, U.ReadUInt64LittleEndian(reply[PktTransId..]));
        Assert.Equal(ICMSGTYPE_FCOPY, U.ReadUInt16LittleEndian(reply[(PktSize + Hdr + HdrMsgType)..]));
        Assert.Equal(HvStatus.S_OK, U.ReadUInt32LittleEndian(reply[(PktSize + Hdr + HdrStatus)..]));
        Assert.Equal(ICMSGHDRFLAG_TRANSACTION | ICMSGHDRFLAG_RESPONSE, reply[PktSize + Hdr + HdrFlags]);
        Assert.Equal(message, reply.Slice(PktSize + IcmsgHdr, message.Length).ToArray());
        Assert.Equal((uint)(at - RingBuffer + request.Length + 8), Word(host, RingWriteIndex));
        Assert.Equal((ulong)(negotiationLength + 8) << 32, U.ReadUInt64LittleEndian(Bytes(host, at + request.Length, 8)));
    }

    /// <summary>Bytes at an absolute offset of the mapping (TX ring first, RX ring after it).</summary>
    static ReadOnlySpan<byte> Bytes(UioRingHost host, int offset, int length)
    {
        int ring = UioRingHost.RingBytes;
        int which = offset / ring, inRing = offset % ring;
        ReadOnlySpan<byte> span = inRing < RingBuffer
            ? host.Rings.Control(which)[inRing..]
            : host.Rings.Data(which)[(inRing - RingBuffer)..];
        return span[..length];
    }

    static uint Word(UioRingHost host, int offset) => U.ReadUInt32LittleEndian(Bytes(host, offset, 4));
}
