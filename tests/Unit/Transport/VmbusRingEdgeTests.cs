using System;
using System.Buffers.Binary;
using System.Runtime.InteropServices;
using HvDaemons.HostSim.Uio;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Transport;

/// <summary>The ring's edges: the smallest ring and packet, packets and free space across the
/// wrap, and exactly-full.</summary>
public unsafe class VmbusRingEdgeTests
{
    const int RingBytes = 4096 + 256;
    const uint Size = 256;

    static byte[] Packet(int length, byte fill)
    {
        var p = new byte[length];
        Array.Fill(p, fill);
        BinaryPrimitives.WriteUInt16LittleEndian(p, VmbusLayout.PacketTypeInband);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(VmbusLayout.HeaderLength8), VmbusLayout.DescriptorUnits);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(VmbusLayout.TotalLength8), (ushort)(length / 8));
        return p;
    }

    [Theory]
    [InlineData(VmbusLayout.ControlPageSize, false)]       // no data area
    [InlineData(VmbusLayout.ControlPageSize + 4, false)]   // not 8-aligned
    [InlineData(VmbusLayout.ControlPageSize + 8, true)]
    public void RingSizeMustLeaveAnAlignedDataArea(int ringBytes, bool ok)
    {
        byte* memory = (byte*)NativeMemory.AllocZeroed((nuint)ringBytes);
        try
        {
            if (ok) Assert.Equal(ringBytes - VmbusLayout.ControlPageSize, new VmbusRing(memory, ringBytes).DataSize);
            else Assert.Throws<ArgumentOutOfRangeException>(() => new VmbusRing(memory, ringBytes));
        }
        finally { NativeMemory.Free(memory); }
    }

    [Theory]
    [InlineData(8)]     // shorter than a descriptor
    [InlineData(20)]    // not a multiple of 8
    public void WritesMustHoldADescriptorAndBeAligned(int length)
    {
        using var f = new SharedRingFile(RingBytes);
        Assert.Throws<ArgumentException>(() => f.Tx.TryWrite(new byte[length]));
    }

    [Fact]
    public void ADescriptorOnlyPacketIsTheSmallestThatReads()
    {
        using var f = new SharedRingFile(RingBytes);
        byte[] sent = Packet(VmbusLayout.DescriptorSize, 0);
        Assert.Equal(RingStatus.Ok, f.Rx.TryWrite(sent).Status);
        Assert.Equal(VmbusLayout.DescriptorSize + VmbusLayout.TrailerSize, f.Rx.Readable());
        var got = new byte[64];
        RingResult r = f.Rx.TryRead(got);
        Assert.Equal(RingStatus.Ok, r.Status);
        Assert.Equal(VmbusLayout.DescriptorSize, r.Length);
        Assert.Equal(sent, got.AsSpan(0, r.Length).ToArray());
        Assert.Equal(RingStatus.Empty, f.Rx.TryRead(got).Status);
    }

    [Fact]
    public void APacketAcrossTheWrapReadsBackWhole()
    {
        using var f = new SharedRingFile(RingBytes);
        f.SetIndices(1, 224, 224);
        byte[] sent = Packet(64, 0x5A);
        Assert.Equal(RingStatus.Ok, f.Rx.TryWrite(sent).Status);
        Assert.Equal((224u + 72u) % Size, f.Rx.WriteIndex);
        Assert.Equal(72, f.Rx.Readable());   // write index now below the read index

        var got = new byte[128];
        RingResult r = f.Rx.TryRead(got);
        Assert.Equal(RingStatus.Ok, r.Status);
        Assert.Equal(sent, got.AsSpan(0, r.Length).ToArray());
        Assert.Equal((224u + 72u) % Size, f.Rx.ReadIndex);
        Assert.Equal(0, f.Rx.Readable());
    }

    [Fact]
    public void FreeSpaceBehindTheReaderIsUsedButNeverFilledCompletely()
    {
        using var f = new SharedRingFile(RingBytes);
        // Write index below read index: r - w = 184 bytes free. A packet that would fill them
        // exactly is refused (full and empty must stay distinguishable); 8 bytes less fits.
        f.SetIndices(0, 40, 224);
        RingResult full = f.Tx.TryWrite(Packet(176, 1));
        Assert.Equal(RingStatus.Full, full.Status);
        Assert.Equal(40u, f.Tx.WriteIndex);
        Assert.Equal(RingStatus.Ok, f.Tx.TryWrite(Packet(168, 1)).Status);
        Assert.Equal(216u, f.Tx.WriteIndex);

        // Write index above read index: size - (w - r) free.
        f.SetIndices(0, 64, 0);
        Assert.Equal(RingStatus.Full, f.Tx.TryWrite(Packet(184, 2)).Status);
        Assert.Equal(RingStatus.Ok, f.Tx.TryWrite(Packet(176, 2)).Status);
        Assert.Equal((64u + 184u) % Size, f.Tx.WriteIndex);
    }

    [Fact]
    public void AcrossTheWrapADescriptorClaimingMoreThanWasWrittenIsCorrupt()
    {
        using var f = new SharedRingFile(RingBytes);
        // 72 bytes readable across the wrap (read 224, write 40); the descriptor claims 160.
        Span<byte> d = f.Data(1);
        BinaryPrimitives.WriteUInt16LittleEndian(d[224..], VmbusLayout.PacketTypeInband);
        BinaryPrimitives.WriteUInt16LittleEndian(d[226..], VmbusLayout.DescriptorUnits);
        BinaryPrimitives.WriteUInt16LittleEndian(d[228..], 20);
        f.SetIndices(1, 40, 224);
        Assert.Equal(RingStatus.Corrupt, f.Rx.TryRead(new byte[256]).Status);
        Assert.Equal(224u, f.Rx.ReadIndex);
    }
}
