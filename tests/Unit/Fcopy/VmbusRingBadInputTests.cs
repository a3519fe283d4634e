using System;
using System.Buffers.Binary;
using HvDaemons.Transport;
using HvDaemons.Wire;
using HvDaemons.HostSim.Uio;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>Whatever the host writes into the shared pages, the ring refuses it without reading
/// or writing outside its data area, and leaves the read index alone.</summary>
public class VmbusRingBadInputTests
{
    const int RingBytes = 4096 + 256;

    static void Descriptor(SharedRingFile f, uint at, ushort hlen, ushort tlen)
    {
        Span<byte> d = f.Data(1);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(int)at..], 6);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(int)(at + 2)..], hlen);
        BinaryPrimitives.WriteUInt16LittleEndian(d[(int)(at + 4)..], tlen);
    }

    [Theory]
    [InlineData(256u, 0u)]          // write index == size
    [InlineData(0u, 256u)]          // read index == size
    [InlineData(0xFFFFFFF8u, 0u)]
    [InlineData(12u, 0u)]           // not 8-aligned
    [InlineData(0u, 4u)]
    public void IndicesOutOfRange(uint write, uint read)
    {
        using var f = new SharedRingFile(RingBytes);
        f.SetIndices(1, write, read);
        Assert.Equal(RingStatus.Corrupt, f.Rx.TryRead(new byte[256]).Status);
        Assert.Equal(-1, f.Rx.Readable());
        f.SetIndices(0, write, read);
        Assert.Equal(RingStatus.Corrupt, f.Tx.TryWrite(new byte[16]).Status);
        Assert.Equal(write, f.Tx.WriteIndex);   // nothing published
    }

    [Theory]
    [InlineData((ushort)1, (ushort)4, 40u)]    // hlen below the descriptor
    [InlineData((ushort)5, (ushort)4, 40u)]    // hlen beyond tlen
    [InlineData((ushort)2, (ushort)5, 40u)]    // tlen*8 + trailer = 48 > 40 readable
    [InlineData((ushort)2, (ushort)0xFFFF, 40u)]
    [InlineData((ushort)2, (ushort)2, 16u)]    // fewer bytes than descriptor + trailer
    public void DescriptorsThatDisagreeWithTheRing(ushort hlen, ushort tlen, uint written)
    {
        using var f = new SharedRingFile(RingBytes);
        Descriptor(f, 0, hlen, tlen);
        f.SetIndices(1, written, 0);
        Assert.Equal(RingStatus.Corrupt, f.Rx.TryRead(new byte[256]).Status);
        Assert.Equal(0u, f.Rx.ReadIndex);
    }

    [Fact]
    public void PacketLargerThanTheBufferStaysQueued()
    {
        using var f = new SharedRingFile(RingBytes);
        Assert.Equal(RingStatus.Ok, f.Rx.TryWrite(RingPackets.Make(0, 1, 8, true)).Status);
        RingResult r = f.Rx.TryRead(new byte[32]);
        Assert.Equal(RingStatus.BufferTooSmall, r.Status);
        Assert.Equal(64, r.Length);
        Assert.Equal(0u, f.Rx.ReadIndex);
        Assert.Equal(RingStatus.Ok, f.Rx.TryRead(new byte[64]).Status);
    }

    [Fact]
    public void TrailerHoldsTheStartIndex()
    {
        using var f = new SharedRingFile(RingBytes);
        f.SetIndices(0, 80, 80);
        Assert.Equal(RingStatus.Ok, f.Tx.TryWrite(RingPackets.Make(0, 1, 4, true)).Status);
        Assert.Equal(80UL << 32, BinaryPrimitives.ReadUInt64LittleEndian(f.Data(0)[(80 + 32)..]));
        Assert.Equal(80u + 40u, f.Tx.WriteIndex);
    }
}
