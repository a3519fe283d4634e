using System;
using System.Buffers.Binary;
using System.IO;
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

    public void Dispose()
    {
        _map.Dispose();
        _fd.Dispose();
        File.Delete(Path);
    }
}
