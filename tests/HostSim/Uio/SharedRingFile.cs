using System;
using System.Buffers.Binary;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Uio;

/// <summary>A file holding a guest TX ring then a guest RX ring, mapped shared in this process.</summary>
public sealed unsafe class SharedRingFile : IDisposable
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

    /// <summary>
    /// Writes the leading <paramref name="packets"/> that fit into <paramref name="ring"/> (each
    /// with its trailer) and publishes them with one write-index store, as a host that queues
    /// several packets at once does. Returns how many were written and whether the reader had
    /// consumed everything before them (read index at the old write index after the publish:
    /// the VMBus condition for an interrupt).
    /// </summary>
    public (int Written, bool WasEmpty) WriteMany(int ring, ReadOnlySpan<byte[]> packets)
    {
        Span<byte> control = Control(ring), data = Data(ring);
        uint size = (uint)data.Length;
        uint w0 = BinaryPrimitives.ReadUInt32LittleEndian(control[VmbusLayout.WriteIndex..]);
        uint r = Volatile.Read(ref MemoryMarshal.AsRef<uint>(control[VmbusLayout.ReadIndex..]));
        ulong free = w0 >= r ? size - (w0 - r) : r - w0;
        uint w = w0;
        int n = 0;
        Span<byte> trailer = stackalloc byte[VmbusLayout.TrailerSize];
        foreach (byte[] p in packets)
        {
            ulong total = (ulong)p.Length + VmbusLayout.TrailerSize;
            if (free <= total) break;
            BinaryPrimitives.WriteUInt64LittleEndian(trailer, (ulong)w << 32);
            CopyIn(data, w, p);
            CopyIn(data, (uint)((w + (ulong)p.Length) % size), trailer);
            w = (uint)((w + total) % size);
            free -= total;
            n++;
        }
        if (n == 0) return (0, false);
        Volatile.Write(ref MemoryMarshal.AsRef<uint>(control[VmbusLayout.WriteIndex..]), w);
        Interlocked.MemoryBarrier();   // publish, then look at the reader's index
        uint after = Volatile.Read(ref MemoryMarshal.AsRef<uint>(control[VmbusLayout.ReadIndex..]));
        return (n, after == w0);
    }

    static void CopyIn(Span<byte> data, uint start, ReadOnlySpan<byte> source)
    {
        int first = Math.Min(source.Length, data.Length - (int)start);
        source[..first].CopyTo(data[(int)start..]);
        source[first..].CopyTo(data);
    }

    public void Dispose()
    {
        _map.Dispose();
        _fd.Dispose();
        File.Delete(Path);
    }
}
