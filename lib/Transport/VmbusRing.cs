using System;
using System.Buffers.Binary;
using System.Threading;
using HvDaemons.Wire;

namespace HvDaemons.Transport;

/// <summary>What one ring operation found.</summary>
public enum RingStatus
{
    Ok,
    /// <summary>Nothing to read.</summary>
    Empty,
    /// <summary>Not enough free space to write (the ring is never filled completely).</summary>
    Full,
    /// <summary>An index or descriptor that cannot be right; the ring cannot be trusted any more.</summary>
    Corrupt,
    /// <summary>The packet is larger than the caller's buffer.</summary>
    BufferTooSmall,
}

public readonly record struct RingResult(RingStatus Status, int Length = 0, string? Detail = null)
{
    public static RingResult Corrupt(string detail) => new(RingStatus.Corrupt, 0, detail);
}

/// <summary>
/// One direction of a VMBus channel in memory shared with the host (docs/protocol.md §7.2, §7.3).
/// The host writes the indices we only read and may write anything into the data area, so
/// every index and length is checked against the ring before it is used. Index loads are
/// acquire and stores release (Volatile), so data copies never cross the index update.
/// A ring is used by one thread: we are the only reader of RX and the only writer of TX.
/// </summary>
public sealed unsafe class VmbusRing
{
    readonly byte* _control;
    readonly byte* _data;
    readonly uint _size;

    /// <param name="ring">Start of the control page.</param>
    /// <param name="ringBytes">Control page plus data area.</param>
    public VmbusRing(byte* ring, int ringBytes)
    {
        if (ringBytes <= VmbusLayout.ControlPageSize || ringBytes % VmbusLayout.Alignment != 0)
            throw new ArgumentOutOfRangeException(nameof(ringBytes));
        _control = ring;
        _data = ring + VmbusLayout.ControlPageSize;
        _size = (uint)(ringBytes - VmbusLayout.ControlPageSize);
    }

    /// <summary>Bytes in the data area.</summary>
    public int DataSize => (int)_size;

    ref uint Field(int offset) => ref *(uint*)(_control + offset);

    public uint WriteIndex => Volatile.Read(ref Field(VmbusLayout.WriteIndex));
    public uint ReadIndex => Volatile.Read(ref Field(VmbusLayout.ReadIndex));

    /// <summary>RX: 1 tells the host not to interrupt us. Stores are followed by a full fence,
    /// because the next thing a caller does is re-read the write index (store-load order).</summary>
    public uint InterruptMask
    {
        get => Volatile.Read(ref Field(VmbusLayout.InterruptMask));
        set
        {
            Volatile.Write(ref Field(VmbusLayout.InterruptMask), value);
            Interlocked.MemoryBarrier();
        }
    }

    bool Valid(uint index) => index < _size && index % VmbusLayout.Alignment == 0;

    /// <summary>Bytes written and not yet read, or -1 if the indices are out of range.</summary>
    public long Readable()
    {
        uint w = WriteIndex, r = ReadIndex;
        if (!Valid(w) || !Valid(r)) return -1;
        return w >= r ? w - r : _size - r + w;
    }

    /// <summary>Reads one packet (descriptor included, trailer skipped) into <paramref name="packet"/>.</summary>
    public RingResult TryRead(Span<byte> packet)
    {
        uint w = WriteIndex;    // acquire: the packet bytes before it are visible
        uint r = ReadIndex;
        if (!Valid(w) || !Valid(r)) return RingResult.Corrupt($"RX indices out of range: write {w}, read {r}, size {_size}");
        uint available = w >= r ? w - r : _size - r + w;
        if (available == 0) return new RingResult(RingStatus.Empty);
        if (available < VmbusLayout.DescriptorSize + VmbusLayout.TrailerSize)
            return RingResult.Corrupt($"RX holds {available} bytes, less than one packet");

        Span<byte> descriptor = stackalloc byte[VmbusLayout.DescriptorSize];
        CopyOut(r, descriptor);
        ushort hlen = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[VmbusLayout.HeaderLength8..]);
        ushort tlen = BinaryPrimitives.ReadUInt16LittleEndian(descriptor[VmbusLayout.TotalLength8..]);
        if (hlen < VmbusLayout.DescriptorUnits || hlen > tlen)
            return RingResult.Corrupt($"packet descriptor hlen {hlen}, tlen {tlen}");
        uint length = (uint)tlen * 8;
        if (length + VmbusLayout.TrailerSize > available)
            return RingResult.Corrupt($"packet of {length} bytes but only {available} readable");
        if (length > packet.Length) return new RingResult(RingStatus.BufferTooSmall, (int)length);

        CopyOut(r, packet[..(int)length]);
        uint next = (uint)(((ulong)r + length + VmbusLayout.TrailerSize) % _size);
        Volatile.Write(ref Field(VmbusLayout.ReadIndex), next);   // release: copies done first
        return new RingResult(RingStatus.Ok, (int)length);
    }

    /// <summary>Writes one packet (descriptor included; length a multiple of 8) and its trailer.</summary>
    public RingResult TryWrite(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < VmbusLayout.DescriptorSize || packet.Length % VmbusLayout.Alignment != 0)
            throw new ArgumentException("packet length must be a multiple of 8 and hold a descriptor");
        uint r = ReadIndex;     // acquire: the host is done with the bytes before it
        uint w = WriteIndex;
        if (!Valid(w) || !Valid(r)) return RingResult.Corrupt($"TX indices out of range: write {w}, read {r}, size {_size}");
        ulong free = w >= r ? _size - (w - r) : r - w;
        ulong total = (ulong)packet.Length + VmbusLayout.TrailerSize;
        if (free <= total) return new RingResult(RingStatus.Full, packet.Length);

        CopyIn(w, packet);
        Span<byte> trailer = stackalloc byte[VmbusLayout.TrailerSize];
        BinaryPrimitives.WriteUInt64LittleEndian(trailer, (ulong)w << 32);
        uint trailerAt = (uint)(((ulong)w + (ulong)packet.Length) % _size);
        CopyIn(trailerAt, trailer);
        uint next = (uint)(((ulong)w + total) % _size);
        Volatile.Write(ref Field(VmbusLayout.WriteIndex), next);  // release: packet visible first
        return new RingResult(RingStatus.Ok, packet.Length);
    }

    void CopyOut(uint start, Span<byte> destination)
    {
        var data = new ReadOnlySpan<byte>(_data, (int)_size);
        int first = Math.Min(destination.Length, (int)(_size - start));
        data.Slice((int)start, first).CopyTo(destination);
        data[..(destination.Length - first)].CopyTo(destination[first..]);
    }

    void CopyIn(uint start, ReadOnlySpan<byte> source)
    {
        var data = new Span<byte>(_data, (int)_size);
        int first = Math.Min(source.Length, (int)(_size - start));
        source[..first].CopyTo(data.Slice((int)start, first));
        source[first..].CopyTo(data);
    }
}
