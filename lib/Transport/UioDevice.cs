using System;
using HvDaemons.Os;

namespace HvDaemons.Transport;

/// <summary>
/// The three things the fcopy channel does with /dev/uioN (docs/protocol.md §7.2, §7.4): map the
/// rings, read the interrupt count (non-blocking; poll <see cref="EventFd"/> first), and write
/// the 4-byte irq control value that re-enables interrupts and signals the host.
/// </summary>
public interface IUioDevice : IDisposable
{
    string Description { get; }

    /// <summary>Polls readable when the interrupt count changed.</summary>
    int EventFd { get; }

    /// <summary>The new interrupt count, or EAGAIN if it has not changed.</summary>
    SysResult ReadInterruptCount();

    /// <summary>Non-zero: clear the RX interrupt mask and signal the host. Zero: only mask.</summary>
    SysResult WriteIrqControl(uint value);

    /// <summary>Maps uio map 0 (TX ring, then RX ring).</summary>
    SysResult MapRings(long length, out SharedMapping? mapping);
}

/// <summary>Opens the device a locator found.</summary>
public delegate SysResult UioDeviceOpener(string path, out IUioDevice? device);

/// <summary>/dev/uioN driven by uio_hv_generic.</summary>
public sealed unsafe class UioCharDevice : IUioDevice
{
    readonly FileDescriptor _fd;

    UioCharDevice(string path, FileDescriptor fd)
    {
        Description = path;
        _fd = fd;
    }

    public static SysResult Open(string path, out IUioDevice? device)
    {
        device = null;
        SysResult r = Posix.Open(path, Posix.O_RDWR | Posix.O_NONBLOCK, 0, out FileDescriptor fd);
        if (!r.Ok) { fd.Dispose(); return r; }
        device = new UioCharDevice(path, fd);
        return r;
    }

    public string Description { get; }
    public int EventFd => _fd.Fd;

    public SysResult ReadInterruptCount() => ReadCount(_fd);
    public SysResult WriteIrqControl(uint value) => WriteCount(_fd, value);
    public SysResult MapRings(long length, out SharedMapping? mapping) => SharedMapping.Map(_fd, length, 0, out mapping);

    /// <summary>uio reads and writes are exactly 4 bytes; anything else is EINVAL.</summary>
    internal static SysResult ReadCount(FileDescriptor fd)
    {
        Span<byte> b = stackalloc byte[4];
        SysResult r = Posix.Read(fd, b);
        if (!r.Ok) return r;
        if (r.Value != 4) return SysResult.Fail(Errno.EIO);
        return SysResult.Success(BitConverter.ToUInt32(b));
    }

    internal static SysResult WriteCount(FileDescriptor fd, uint value)
    {
        Span<byte> b = stackalloc byte[4];
        BitConverter.TryWriteBytes(b, value);
        SysResult r = Posix.Write(fd, b);
        if (!r.Ok) return r;
        return r.Value == 4 ? SysResult.Success() : SysResult.Fail(Errno.EIO);
    }

    public void Dispose() => _fd.Dispose();
}

/// <summary>
/// A stand-in for /dev/uioN used only by the black-box tests, selected by the hidden
/// environment variable HV_FCOPY_UIO_SIMULATED=1. Why a seam and not a fake device: the ring
/// memory of a real uio device is kernel pages that the host and we map coherently, and a
/// FUSE file cannot give two processes one coherent MAP_SHARED view without pushing every
/// index update through NOTIFY_STORE/RETRIEVE round trips, which would test FUSE, not us.
/// The seam is kept as narrow as possible: <c>uioN</c> is a regular file both sides map,
/// <c>uioN.irq</c> is a FIFO the host writes the 4-byte interrupt count into, and
/// <c>uioN.ctl</c> a FIFO that receives our 4-byte irq-control writes. Discovery, binding,
/// ring protocol, interrupt masking and signalling are the production code paths.
/// </summary>
public sealed class UioSimulatedDevice : IUioDevice
{
    public const string EnvironmentVariable = "HV_FCOPY_UIO_SIMULATED";

    readonly FileDescriptor _memory;
    readonly FileDescriptor _irq;
    readonly FileDescriptor _ctl;

    UioSimulatedDevice(string path, FileDescriptor memory, FileDescriptor irq, FileDescriptor ctl)
    {
        Description = path + " (simulated)";
        _memory = memory;
        _irq = irq;
        _ctl = ctl;
    }

    public static bool Enabled => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    public static SysResult Open(string path, out IUioDevice? device)
    {
        device = null;
        SysResult r = Posix.Open(path, Posix.O_RDWR, 0, out FileDescriptor memory);
        if (!r.Ok) { memory.Dispose(); return r; }
        // O_RDWR on a FIFO never blocks in open and never sees EOF.
        r = Posix.Open(path + ".irq", Posix.O_RDWR | Posix.O_NONBLOCK, 0, out FileDescriptor irq);
        if (!r.Ok) { memory.Dispose(); irq.Dispose(); return r; }
        r = Posix.Open(path + ".ctl", Posix.O_RDWR | Posix.O_NONBLOCK, 0, out FileDescriptor ctl);
        if (!r.Ok) { memory.Dispose(); irq.Dispose(); ctl.Dispose(); return r; }
        device = new UioSimulatedDevice(path, memory, irq, ctl);
        return SysResult.Success();
    }

    public string Description { get; }
    public int EventFd => _irq.Fd;
    public SysResult ReadInterruptCount() => UioCharDevice.ReadCount(_irq);
    public SysResult WriteIrqControl(uint value) => UioCharDevice.WriteCount(_ctl, value);
    public SysResult MapRings(long length, out SharedMapping? mapping) => SharedMapping.Map(_memory, length, 0, out mapping);

    public void Dispose()
    {
        _memory.Dispose();
        _irq.Dispose();
        _ctl.Dispose();
    }
}
