using System;
using System.Buffers.Binary;
using System.Diagnostics;
using System.IO;
using System.Threading;
using HvDaemons.Fcopy;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Tmds.Linux;

namespace HvDaemons.HostSim.Uio;

/// <summary>
/// The host and kernel around a uio fcopy channel: a fake sysfs tree, the simulated uio device
/// (see <see cref="UioSimulatedDevice"/>: a ring file plus irq and irq-control FIFOs), and the
/// host's side of the rings and interrupts as docs/protocol.md §7.4 describes them: the host interrupts only
/// while our RX mask is clear, the "kernel" masks before waking the reader, and an irq-control
/// write unmasks. A daemon that breaks the protocol or stops answering raises an exception
/// (<see cref="InvalidDataException"/>, <see cref="TimeoutException"/>).
/// </summary>
public sealed unsafe class UioRingHost : IDisposable
{
    public const int RingBytes = 4096 + 16384;
    readonly SharedRingFile _rings;
    readonly FileDescriptor _irq;
    readonly FileDescriptor _ctl;
    readonly byte[] _packet = new byte[RingBytes];
    uint _interrupts;
    ulong _transaction = 100;

    /// <param name="root">An empty directory for the fake sys/ and dev/ trees.</param>
    /// <param name="bound">Whether uio_hv_generic already claimed the device (it has a uio0 node).</param>
    public UioRingHost(string root, bool bound = true)
    {
        Root = root;
        Directory.CreateDirectory(Path.Combine(DeviceDir, "channels/15"));
        using (var ring = new FileStream(Path.Combine(DeviceDir, "channels/15/ring"), FileMode.Create)) ring.SetLength(2L * RingBytes);
        if (bound) Directory.CreateDirectory(Path.Combine(DeviceDir, "uio/uio0"));
        string driver = Path.Combine(SysRoot, "bus/vmbus/drivers/uio_hv_generic");
        Directory.CreateDirectory(driver);
        File.WriteAllText(Path.Combine(driver, "new_id"), "");
        File.WriteAllText(Path.Combine(driver, "bind"), "");
        Directory.CreateDirectory(DevRoot);
        _rings = new SharedRingFile(RingBytes, Path.Combine(DevRoot, "uio0"));
        MakeFifo(Path.Combine(DevRoot, "uio0.irq"));
        MakeFifo(Path.Combine(DevRoot, "uio0.ctl"));
        Posix.Open(Path.Combine(DevRoot, "uio0.irq"), Posix.O_RDWR | Posix.O_NONBLOCK, 0, out _irq);
        Posix.Open(Path.Combine(DevRoot, "uio0.ctl"), Posix.O_RDWR | Posix.O_NONBLOCK, 0, out _ctl);
        RxMask = 1;   // as uio_hv_generic leaves it on open
    }

    public string Root { get; }
    public string SysRoot => Path.Combine(Root, "sys");
    public string DevRoot => Path.Combine(Root, "dev");
    public string DeviceDir => Path.Combine(SysRoot, "bus/vmbus/devices", UioLocator.FcopyInstanceId);
    /// <summary>The host sends names as UTF-16LE on this transport (no kernel converts them).</summary>
    public NameEncoding Encoding => NameEncoding.Utf16Le;
    public int Doorbells { get; private set; }

    static void MakeFifo(string path)
    {
        byte[] p = NativeString.Utf8z(path);
        fixed (byte* pp = p)
            if (LibC.mkfifo(pp, 0x180) != 0) throw new IOException("mkfifo " + path + " failed");
    }

    uint RxMask
    {
        get => Volatile.Read(ref *(uint*)ControlWord(1, VmbusLayout.InterruptMask));
        set { Volatile.Write(ref *(uint*)ControlWord(1, VmbusLayout.InterruptMask), value); Interlocked.MemoryBarrier(); }
    }

    byte* ControlWord(int ring, int offset)
    {
        fixed (byte* p = _rings.Control(ring)) return p + offset;
    }

    /// <summary>The host signals; the kernel masks, counts and wakes the reader. Masked: no interrupt.</summary>
    void Interrupt(bool force = false)
    {
        DrainControl();   // irq-control writes take effect at once in the kernel; apply any pending
        if (RxMask != 0 && !force) return;
        RxMask = 1;
        _interrupts++;
        Span<byte> b = stackalloc byte[4];
        BitConverter.TryWriteBytes(b, _interrupts);
        Posix.Write(_irq, b);
    }

    /// <summary>Consumes irq-control writes: non-zero unmasks RX and counts as a doorbell.</summary>
    void DrainControl()
    {
        Span<byte> b = stackalloc byte[4];
        while (Posix.Read(_ctl, b) is { Ok: true, Value: 4 })
        {
            if (BitConverter.ToUInt32(b) != 0) { RxMask = 0; Doorbells++; }
            else RxMask = 1;
        }
    }

    static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidDataException("daemon's response: " + what);
    }

    /// <summary>Puts one IC payload on RX as an in-band packet and returns the response payload.</summary>
    public byte[] Exchange(byte[] payload, int timeoutMs = 20000)
    {
        int padded = (payload.Length + 7) & ~7;
        var packet = new byte[VmbusLayout.DescriptorSize + padded];
        BinaryPrimitives.WriteUInt16LittleEndian(packet, VmbusLayout.PacketTypeInband);
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(2), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(4), (ushort)(packet.Length / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(6), 1);   // completion requested
        BinaryPrimitives.WriteUInt64LittleEndian(packet.AsSpan(8), ++_transaction);
        payload.CopyTo(packet, VmbusLayout.DescriptorSize);
        var sw = Stopwatch.StartNew();
        while (_rings.Rx.TryWrite(packet).Status == RingStatus.Full)
        {
            if (sw.ElapsedMilliseconds >= timeoutMs) throw new TimeoutException("RX stays full");
            Thread.Sleep(1);
        }
        Interrupt();

        while (true)
        {
            DrainControl();
            RingResult r = _rings.Tx.TryRead(_packet);
            if (r.Status == RingStatus.Ok)
            {
                Span<byte> got = _packet.AsSpan(0, r.Length);
                Expect(BinaryPrimitives.ReadUInt16LittleEndian(got) == VmbusLayout.PacketTypeInband, "packet type is not in-band");
                Expect(BinaryPrimitives.ReadUInt16LittleEndian(got[2..]) == 2, "header length is not 2 units");
                Expect(BinaryPrimitives.ReadUInt64LittleEndian(got[8..]) == VmbusLayout.ResponseTransactionId, "transaction id");
                Expect(r.Length == packet.Length, $"length {r.Length}, request was {packet.Length}");
                byte[] response = got[VmbusLayout.DescriptorSize..].ToArray();
                Expect(response[IcLayout.Flags] == IcLayout.ResponseFlags, "IC flags are not a response");
                return response;
            }
            Expect(r.Status == RingStatus.Empty, "TX ring read " + r.Status);
            if (sw.ElapsedMilliseconds >= timeoutMs) throw new TimeoutException("no response from the daemon");
            Thread.Sleep(sw.ElapsedMilliseconds < 50 ? 0 : 1);
        }
    }

    /// <summary>Offers framework 1.0/3.0 and fcopy 1.0/1.1, as Hyper-V does, and checks it was accepted.</summary>
    public void Negotiate()
    {
        byte[] r = Exchange(IcMessages.Negotiation(2, 2, ["1.0", "3.0", "1.0", "1.1"]));
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(IcLayout.Status));
        Expect(status == HvStatus.S_OK, "negotiation answered " + HvStatus.Name(status));
    }

    /// <summary>Sends one fcopy message (char-device form, hv_fcopy_hdr first) and returns the status.</summary>
    public uint Send(byte[] message)
    {
        byte[] payload = IcMessages.Request(IcLayout.TypeFcopy, message);
        byte[] response = Exchange(payload);
        // Everything but status and flags is echoed.
        Expect(payload.AsSpan(IcLayout.HeaderSize).SequenceEqual(response.AsSpan(IcLayout.HeaderSize, payload.Length - IcLayout.HeaderSize)),
            "the message was not echoed");
        return BinaryPrimitives.ReadUInt32LittleEndian(response.AsSpan(IcLayout.Status));
    }

    /// <summary>Breaks the ring (write index out of range) so the daemon must reopen; once it has
    /// (it clears the RX mask again on open) the ring is repaired and renegotiated, as the host
    /// does after a channel reopen.</summary>
    public void ResetTransport()
    {
        RxMask = 1;
        _rings.SetIndices(1, 0xFFFFFFF0, 0);
        Interrupt(force: true);
        var sw = Stopwatch.StartNew();
        while (RxMask != 0)
        {
            if (sw.ElapsedMilliseconds >= 10000) throw new TimeoutException("daemon did not reopen after a corrupt ring");
            Thread.Sleep(2);
        }
        _rings.SetIndices(1, 0, 0);
        Thread.Sleep(20);
        DrainControl();
        Negotiate();
    }

    public void Dispose()
    {
        _irq.Dispose();
        _ctl.Dispose();
        _rings.Dispose();
    }
}
