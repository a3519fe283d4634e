using System;
using System.Buffers.Binary;
using System.IO;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Wire;

namespace HvDaemons.Tests.Fcopy;

/// <summary>A file holding a guest TX ring then a guest RX ring, mapped shared in this process.</summary>
sealed unsafe class SharedRingFile : IDisposable
{
    readonly FileDescriptor _fd;
    readonly SharedMapping _map;

    public SharedRingFile(int ringBytes, string? path = null)
    {
        RingBytes = ringBytes;
        Path = path ?? System.IO.Path.Combine(System.IO.Path.GetTempPath(), "hvd-ring-" + Guid.NewGuid().ToString("N"));
        using (var f = new FileStream(Path, FileMode.Create)) f.SetLength(2L * ringBytes);
        SysResult r = Posix.Open(Path, Posix.O_RDWR, 0, out _fd);
        if (!r.Ok) throw new IOException("open " + Path + ": " + r);
        r = SharedMapping.Map(_fd, 2L * ringBytes, 0, out SharedMapping? map);
        if (!r.Ok) throw new IOException("mmap: " + r);
        _map = map!;
        Tx = new VmbusRing(_map.Address, ringBytes);
        Rx = new VmbusRing(_map.Address + ringBytes, ringBytes);
    }

    public string Path { get; }
    public int RingBytes { get; }
    public VmbusRing Tx { get; }
    public VmbusRing Rx { get; }

    /// <summary>The control page of the TX (0) or RX (1) ring, for setting up or corrupting indices.</summary>
    public Span<byte> Control(int ring) => new(_map.Address + (long)ring * RingBytes, VmbusLayout.ControlPageSize);
    public Span<byte> Data(int ring) => new(_map.Address + (long)ring * RingBytes + VmbusLayout.ControlPageSize, RingBytes - VmbusLayout.ControlPageSize);

    public void SetIndices(int ring, uint write, uint read)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(Control(ring)[VmbusLayout.WriteIndex..], write);
        BinaryPrimitives.WriteUInt32LittleEndian(Control(ring)[VmbusLayout.ReadIndex..], read);
    }

    public void Dispose()
    {
        _map.Dispose();
        _fd.Dispose();
        File.Delete(Path);
    }
}

/// <summary>The same packet generator as the C host's make().</summary>
static class RingPackets
{
    static uint Next(ref uint s) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; return s; }

    public static byte[] Make(uint i, uint seed, uint maxUnits, bool fixedSize)
    {
        uint s = unchecked(seed * 0x9E3779B1u + i * 7919u + 1u);
        uint units = fixedSize ? maxUnits : 3 + Next(ref s) % maxUnits;
        var p = new byte[units * 8];
        BinaryPrimitives.WriteUInt16LittleEndian(p, 6);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(2), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(4), (ushort)units);
        BinaryPrimitives.WriteUInt64LittleEndian(p.AsSpan(8), i);
        for (int k = 16; k < p.Length; k++) p[k] = (byte)Next(ref s);
        return p;
    }
}
