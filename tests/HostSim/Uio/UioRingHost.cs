using System;
using System.Buffers.Binary;
using System.Collections.Generic;
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
/// host's side of the rings and interrupts (<see cref="UioInterrupts"/>, docs/protocol.md §7.4). Like a real host it
/// sends nothing until the daemon has opened the channel and cleared its RX mask, and it
/// interrupts only on an empty-to-non-empty write while the mask is clear. <see cref="ExchangeBatch"/>
/// queues several packets behind one interrupt. A daemon that breaks the protocol or stops
/// answering raises an exception (<see cref="InvalidDataException"/>, <see cref="TimeoutException"/>).
/// </summary>
public sealed unsafe class UioRingHost : IDisposable
{
    public const int RingBytes = 4096 + 16384;
    readonly SharedRingFile _rings;
    readonly UioInterrupts _irq;
    readonly byte[] _packet = new byte[RingBytes];
    ulong _transaction = 100;

    /// <param name="root">An empty directory for the fake sys/ and dev/ trees.</param>
    /// <param name="bound">Whether uio_hv_generic already claimed the device (it has a uio0 node).</param>
    /// <param name="semantics">The interrupt-mask behaviour of the simulated uio_hv_generic.</param>
    public UioRingHost(string root, bool bound = true, MaskSemantics semantics = MaskSemantics.KernelMasks)
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
        string node = Path.Combine(DevRoot, "uio0");
        _rings = new SharedRingFile(RingBytes, node);
        MakeFifo(node + ".irq");
        MakeFifo(node + ".ctl");
        _irq = new UioInterrupts(semantics, () => RxControl, node, node + ".irq", node + ".ctl");
    }

    public string Root { get; }
    public string SysRoot => Path.Combine(Root, "sys");
    public string DevRoot => Path.Combine(Root, "dev");
    public string DeviceDir => Path.Combine(SysRoot, "bus/vmbus/devices", UioLocator.FcopyInstanceId);
    /// <summary>The host sends names as UTF-16LE on this transport (no kernel converts them).</summary>
    public NameEncoding Encoding => NameEncoding.Utf16Le;
    public MaskSemantics Semantics => _irq.Semantics;
    public int Doorbells => _irq.Doorbells;
    /// <summary>The simulated driver takes the daemon's irq-control writes (unmask, doorbell)
    /// now; otherwise it does when the host next sends.</summary>
    public void ApplyDaemonWrites() => _irq.Poll();
    /// <summary>Interrupts delivered to the daemon so far.</summary>
    public int Interrupts => _irq.Interrupts;
    /// <summary>The raw rings (TX 0, RX 1), for layout checks.</summary>
    public SharedRingFile Rings => _rings;

    nint RxControl
    {
        get { fixed (byte* p = _rings.Control(1)) return (nint)p; }
    }

    static void MakeFifo(string path)
    {
        byte[] p = NativeString.Utf8z(path);
        fixed (byte* pp = p)
            if (LibC.mkfifo(pp, 0x180) != 0) throw new IOException("mkfifo " + path + " failed");
    }

    static void Expect(bool condition, string what)
    {
        if (!condition) throw new InvalidDataException("daemon's response: " + what);
    }

    /// <summary>An in-band packet as the host sends it: descriptor (hlen 2 units, completion
    /// requested, <paramref name="transactionId"/>), then the payload padded to 8 bytes.</summary>
    public static byte[] InbandPacket(ReadOnlySpan<byte> payload, ulong transactionId)
    {
        int padded = (payload.Length + 7) & ~7;
        var packet = new byte[VmbusLayout.DescriptorSize + padded];
        BinaryPrimitives.WriteUInt16LittleEndian(packet, VmbusLayout.PacketTypeInband);
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(VmbusLayout.HeaderLength8), VmbusLayout.DescriptorUnits);
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(VmbusLayout.TotalLength8), (ushort)(packet.Length / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(packet.AsSpan(VmbusLayout.PacketFlags), 1);   // completion requested
        BinaryPrimitives.WriteUInt64LittleEndian(packet.AsSpan(VmbusLayout.TransactionId), transactionId);
        payload.CopyTo(packet.AsSpan(VmbusLayout.DescriptorSize));
        return packet;
    }

    /// <summary>Waits until the daemon opened the channel and cleared its RX mask: a real host
    /// has no open channel, hence no ring to write into, before that.</summary>
    void WaitUntilOpen(Stopwatch sw, int timeoutMs)
    {
        while (!_irq.ReadyForHost())
        {
            if (sw.ElapsedMilliseconds >= timeoutMs) throw new TimeoutException("the daemon never opened and unmasked the channel");
            Thread.Sleep(2);
        }
    }

    /// <summary>Puts one IC payload on RX as an in-band packet and returns the response payload.</summary>
    public byte[] Exchange(byte[] payload, int timeoutMs = 20000) => ExchangeBatch([payload], timeoutMs)[0];

    /// <summary>Queues every payload on RX (as many as fit, published at once: one interrupt for the
    /// lot, and none if the daemon had not drained the ring), then collects the responses in order.</summary>
    public byte[][] ExchangeBatch(IReadOnlyList<byte[]> payloads, int timeoutMs = 20000)
    {
        var sw = Stopwatch.StartNew();
        WaitUntilOpen(sw, timeoutMs);
        var packets = new byte[payloads.Count][];
        var responses = new byte[payloads.Count][];
        int sent = 0, received = 0;
        while (received < payloads.Count)
        {
            if (sent < payloads.Count)
            {
                for (int i = sent; i < payloads.Count; i++) packets[i] ??= InbandPacket(payloads[i], ++_transaction);
                var (written, wasEmpty) = _rings.WriteMany(1, packets.AsSpan(sent));   // full: the rest once the daemon read
                sent += written;
                if (written > 0) _irq.HostWrote(wasEmpty);
            }

            _irq.Poll();
            RingResult r = _rings.Tx.TryRead(_packet);
            if (r.Status == RingStatus.Ok)
            {
                responses[received] = CheckResponse(_packet.AsSpan(0, r.Length), packets[received]);
                received++;
                continue;
            }
            Expect(r.Status == RingStatus.Empty, "TX ring read " + r.Status);
            if (sw.ElapsedMilliseconds >= timeoutMs)
                throw new TimeoutException($"no response from the daemon ({received} of {payloads.Count} answered)");
            Thread.Sleep(sw.ElapsedMilliseconds < 50 ? 0 : 1);
        }
        return responses;
    }

    /// <summary>Queues payloads without waiting for answers (for tests that drive the channel
    /// themselves); returns the packets as sent, for <see cref="Collect"/>.</summary>
    public byte[][] Post(params byte[][] payloads)
    {
        var sw = Stopwatch.StartNew();
        WaitUntilOpen(sw, 20000);
        var packets = new byte[payloads.Length][];
        for (int i = 0; i < payloads.Length; i++) packets[i] = InbandPacket(payloads[i], ++_transaction);
        var (written, wasEmpty) = _rings.WriteMany(1, packets);
        Expect(written == packets.Length, "RX has no room for the posted packets");
        _irq.HostWrote(wasEmpty);
        return packets;
    }

    /// <summary>The next response on TX for <paramref name="request"/> (checked), or null if none is there.</summary>
    public byte[]? Collect(byte[] request)
    {
        _irq.Poll();
        RingResult r = _rings.Tx.TryRead(_packet);
        if (r.Status == RingStatus.Empty) return null;
        Expect(r.Status == RingStatus.Ok, "TX ring read " + r.Status);
        return CheckResponse(_packet.AsSpan(0, r.Length), request);
    }

    /// <summary>The RX interrupt mask as the host sees it now.</summary>
    public uint RxMask
    {
        get { _irq.Poll(); return _irq.RxMask; }
    }

    static byte[] CheckResponse(Span<byte> got, byte[] request)
    {
        Expect(BinaryPrimitives.ReadUInt16LittleEndian(got) == VmbusLayout.PacketTypeInband, "packet type is not in-band");
        Expect(BinaryPrimitives.ReadUInt16LittleEndian(got[VmbusLayout.HeaderLength8..]) == VmbusLayout.DescriptorUnits, "header length is not 2 units");
        Expect(BinaryPrimitives.ReadUInt64LittleEndian(got[VmbusLayout.TransactionId..]) == VmbusLayout.ResponseTransactionId, "transaction id");
        Expect(got.Length == request.Length, $"length {got.Length}, request was {request.Length}");
        byte[] response = got[VmbusLayout.DescriptorSize..].ToArray();
        Expect(response[IcLayout.Flags] == IcLayout.ResponseFlags, "IC flags are not a response");
        return response;
    }

    /// <summary>Offers framework 1.0/3.0 and fcopy 1.0/1.1, as Hyper-V does, and checks it was accepted.</summary>
    public void Negotiate()
    {
        byte[] r = Exchange(IcMessages.Negotiation(2, 2, ["1.0", "3.0", "1.0", "1.1"]));
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(IcLayout.Status));
        Expect(status == HvStatus.S_OK, "negotiation answered " + HvStatus.Name(status));
    }

    /// <summary>Sends one fcopy message (char-device form, hv_fcopy_hdr first) and returns the status.</summary>
    public uint Send(byte[] message) => SendBatch([message])[0];

    /// <summary>Sends fcopy messages queued together (<see cref="ExchangeBatch"/>); their statuses in order.</summary>
    public uint[] SendBatch(IReadOnlyList<byte[]> messages)
    {
        var payloads = new byte[messages.Count][];
        for (int i = 0; i < messages.Count; i++) payloads[i] = IcMessages.Request(IcLayout.TypeFcopy, messages[i]);
        byte[][] responses = ExchangeBatch(payloads);
        var statuses = new uint[messages.Count];
        for (int i = 0; i < messages.Count; i++)
        {
            byte[] payload = payloads[i], response = responses[i];
            // Everything but status and flags is echoed.
            Expect(payload.AsSpan(IcLayout.HeaderSize).SequenceEqual(response.AsSpan(IcLayout.HeaderSize, payload.Length - IcLayout.HeaderSize)),
                "the message was not echoed");
            statuses[i] = BinaryPrimitives.ReadUInt32LittleEndian(response.AsSpan(IcLayout.Status));
        }
        return statuses;
    }

    /// <summary>Breaks the ring (write index out of range) so the daemon must reopen; once it has
    /// opened the device again the ring is repaired and renegotiated, as the host does after a
    /// channel reopen.</summary>
    public void ResetTransport()
    {
        _irq.ExpectReopen();
        _rings.SetIndices(1, 0xFFFFFFF0, 0);
        _irq.HostWrote(wasEmpty: true, force: true);
        var sw = Stopwatch.StartNew();
        WaitUntilOpen(sw, 10000);
        _rings.SetIndices(1, 0, 0);
        Thread.Sleep(20);
        Negotiate();
    }

    public void Dispose()
    {
        _irq.Dispose();
        _rings.Dispose();
    }
}
