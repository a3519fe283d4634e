using System;
using System.Buffers.Binary;
using System.Threading;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Wire;

namespace HvDaemons.Transport;

/// <summary>
/// FCOPY over the VMBus ring through uio_hv_generic (kernels >= 6.10, docs/protocol.md §7). It
/// presents each host FCOPY request to the handler exactly as the char device would
/// (hv_fcopy_hdr first; names stay UTF-16LE, see <see cref="NamesAreUtf16"/>) and turns the
/// handler's 4-byte status into the IC response. IC version negotiation is answered here.
///
/// Wake-ups: <see cref="PollFd"/> is an epoll set holding the uio descriptor and an eventfd.
/// The host only interrupts on an empty-to-non-empty transition while our RX mask is clear,
/// so whenever packets are left in the ring (one Receive hands over one request) the eventfd
/// is raised and the loop's next poll fires at once; when the ring is empty the mask is
/// cleared and the ring re-checked, closing the race with a packet that arrived meanwhile.
/// </summary>
public sealed unsafe class UioFcopyChannel : IHostChannel
{
    /// <summary>Packets handled inside one Receive before yielding to the loop (fairness with signals).</summary>
    const int MaxPacketsPerReceive = 64;
    /// <summary>How long Send waits for the host to make room in a full TX ring.</summary>
    const int TxFullWaitMs = 1000;

    readonly UioLocator _locator;
    readonly UioDeviceOpener _openDevice;
    readonly Logger _log;
    IUioDevice? _device;
    SharedMapping? _mapping;
    VmbusRing? _tx;
    VmbusRing? _rx;
    FileDescriptor? _epoll;
    FileDescriptor? _wake;
    byte[] _packet = Array.Empty<byte>();
    byte[] _response = Array.Empty<byte>();
    int _pendingLength = -1;    // the FCOPY request awaiting Send, or -1
    int _pendingPayload;

    public UioFcopyChannel(UioLocator locator, UioDeviceOpener openDevice, Logger log)
    {
        _locator = locator;
        _openDevice = openDevice;
        _log = log;
    }

    public string Description => _device?.Description ?? "uio fcopy device";
    /// <summary>None: the ring negotiates with the host itself and reports Registered.</summary>
    public IRegistration? Registration => null;
    /// <summary>From Open until the host's first IC negotiation is agreed: the ring's
    /// counterpart of the char device's registration reply.</summary>
    bool InHandshake { get; set; }
    public int PollFd => _epoll?.Fd ?? -1;

    /// <summary>Names in START arrive as the host sent them: UTF-16LE.</summary>
    public bool NamesAreUtf16 => true;

    /// <summary>IC negotiations that agreed on a version and were answered, since Open (for tests).</summary>
    public int Negotiations { get; private set; }

    public ChannelResult Open()
    {
        Close();
        // The loop logs why, once: absence is not an error there.
        ChannelResult located = _locator.Locate(out UioLocation where);
        if (located.Event != ChannelEvent.Ok) return located;

        SysResult r = _openDevice(where.DevicePath, out IUioDevice? device);
        if (!r.Ok)
            return r.Error == Errno.ENOENT
                ? new ChannelResult(ChannelEvent.NotFound, 0, r.Error, "open " + where.DevicePath)
                : ChannelResult.Failed(r.Error, "open " + where.DevicePath);
        _device = device!;
        r = _device.MapRings(2L * where.RingBytes, out _mapping);
        if (!r.Ok)
        {
            Close();
            return ChannelResult.Failed(r.Error, "mmap " + where.DevicePath);
        }
        _tx = new VmbusRing(_mapping!.Address, where.RingBytes);
        _rx = new VmbusRing(_mapping.Address + where.RingBytes, where.RingBytes);
        _packet = new byte[_rx.DataSize];
        _response = new byte[_tx.DataSize];

        SysResult made = OpenWakeUps(_device.EventFd);
        if (!made.Ok)
        {
            Close();
            return ChannelResult.Failed(made.Error, "epoll");
        }
        _log.Info("uio fcopy channel on " + _device.Description + ", " + _rx.DataSize + "-byte rings");
        InHandshake = true;
        RearmOrWake();   // enables host interrupts; the host may have queued packets already
        return ChannelResult.Ok();
    }

    /// <summary>The set the loop polls: the uio descriptor and our own wake-up eventfd.</summary>
    SysResult OpenWakeUps(int uioFd)
    {
        SysResult r = EventFd.Create(out FileDescriptor wake);
        _wake = wake;
        if (!r.Ok) return r;
        r = Epoll.Create(out FileDescriptor epoll);
        _epoll = epoll;
        if (!r.Ok) return r;
        r = Epoll.WatchReadable(epoll, uioFd);
        return r.Ok ? Epoll.WatchReadable(epoll, wake.Fd) : r;
    }

    public ChannelResult Receive(Span<byte> buffer)
    {
        if (_device is null || _rx is null) return ChannelResult.Failed(Errno.EBADF, "not open");
        if (_pendingLength >= 0)
        {
            // The loop asked again without answering: the previous request is dropped unanswered.
            _log.Err("FCOPY request left unanswered");
            _pendingLength = -1;
        }
        SysResult count = _device.ReadInterruptCount();
        if (!count.Ok && count.Error != Errno.EAGAIN)
            return ChannelResult.Failed(count.Error, "uio read");
        EventFd.Lower(_wake!);

        for (int handled = 0; handled < MaxPacketsPerReceive; handled++)
        {
            RingResult read = _rx.TryRead(_packet);
            if (read.Status == RingStatus.Empty)
            {
                RearmOrWake();
                return ChannelResult.Nothing;
            }
            // The loop logs it and reopens.
            if (read.Status != RingStatus.Ok)
                return ChannelResult.Failed(Errno.EIO, "VMBus channel recv error: " + (read.Detail ?? read.Status.ToString()));
            ChannelResult? request = Classify(read.Length, buffer);
            if (request is { } r)
            {
                RaiseWakeIfReadable();
                return r;
            }
        }
        Raise();   // more may be queued: come back after the loop had a look at signals
        return ChannelResult.Nothing;
    }

    /// <summary>Answers what the channel handles itself and returns null, or hands an FCOPY
    /// request to the caller.</summary>
    ChannelResult? Classify(int length, Span<byte> buffer)
    {
        int payloadAt = BinaryPrimitives.ReadUInt16LittleEndian(_packet.AsSpan(VmbusLayout.HeaderLength8)) * 8;
        int payloadLength = length - payloadAt;
        if (payloadLength < IcLayout.HeaderSize)
        {
            _log.Err("VMBus packet without an IC header (" + payloadLength + " payload bytes); dropped");
            return null;
        }
        Span<byte> payload = _packet.AsSpan(payloadAt, payloadLength);
        ushort type = BinaryPrimitives.ReadUInt16LittleEndian(payload[IcLayout.MessageType..]);
        if (type == IcLayout.TypeNegotiate)
        {
            NegotiationOutcome outcome = IcNegotiation.Answer(payload);
            bool agreed = outcome == NegotiationOutcome.Agreed;
            if (agreed) _log.Info("FCopy IC version " + IcNegotiation.ServiceMajor + "." + IcNegotiation.ServiceMinor);
            else _log.Err("Invalid icmsg negotiate (" + outcome + ")");
            if (!Answered(Respond(payloadAt, payloadLength), "IC negotiation") || !agreed) return null;
            Negotiations++;
            bool first = InHandshake;
            InHandshake = false;
            // Answered: the host now sends requests, which is what "registered" means here.
            return first ? new ChannelResult(ChannelEvent.Registered, 0, Errno.None, IcNegotiation.ServiceMajor + "." + IcNegotiation.ServiceMinor) : null;
        }
        if (type != IcLayout.TypeFcopy)
        {
            _log.Err("Unexpected IC message type " + type + "; answered with failure");
            BinaryPrimitives.WriteUInt32LittleEndian(payload[IcLayout.Status..], HvStatus.E_FAIL);
            Answered(Respond(payloadAt, payloadLength), "IC message type " + type);
            return null;
        }
        int messageLength = payloadLength - IcLayout.HeaderSize;
        if (messageLength < FcopyLayout.HeaderSize)
        {
            _log.Err("Invalid Fcopy hdr. Packet length too small: " + length);
            BinaryPrimitives.WriteUInt32LittleEndian(payload[IcLayout.Status..], HvStatus.E_FAIL);
            Answered(Respond(payloadAt, payloadLength), "the short FCOPY message");
            return null;
        }
        // Padding beyond the largest fcopy message carries nothing; the echo keeps it anyway.
        int handed = Math.Min(messageLength, buffer.Length);
        payload.Slice(IcLayout.HeaderSize, handed).CopyTo(buffer);
        _pendingLength = length;
        _pendingPayload = payloadAt;
        return ChannelResult.Ok(handed);
    }

    public ChannelResult Send(ReadOnlySpan<byte> reply)
    {
        if (_device is null || _pendingLength < 0) return ChannelResult.Failed(Errno.EBADF, "no request to answer");
        uint status = reply.Length >= FcopyLayout.ReplySize ? BinaryPrimitives.ReadUInt32LittleEndian(reply) : HvStatus.E_FAIL;
        int payloadAt = _pendingPayload, payloadLength = _pendingLength - _pendingPayload;
        _pendingLength = -1;
        BinaryPrimitives.WriteUInt32LittleEndian(_packet.AsSpan(payloadAt + IcLayout.Status), status);
        // The loop logs a failure, once.
        ChannelResult sent = Respond(payloadAt, payloadLength);
        if (sent.Event != ChannelEvent.Ok) return sent;
        RaiseWakeIfReadable();
        return ChannelResult.Ok(reply.Length);
    }

    /// <summary>A response the channel sends on its own behalf: the loop never sees it, so a
    /// failure is logged here, and the message is dropped.</summary>
    bool Answered(in ChannelResult sent, string what)
    {
        if (sent.Event == ChannelEvent.Ok) return true;
        _log.Err("answer to " + what + " not sent; error: " + Errno.DescribeNamed(sent.Errno) + ": " + sent.Detail);
        return false;
    }

    /// <summary>Sends the (modified) payload back in a fresh in-band packet and rings the host.
    /// A failure says why; the caller decides whether and where it is logged.</summary>
    ChannelResult Respond(int payloadAt, int payloadLength)
    {
        Span<byte> payload = _packet.AsSpan(payloadAt, payloadLength);
        payload[IcLayout.Flags] = IcLayout.ResponseFlags;
        int total = VmbusLayout.DescriptorSize + payloadLength;   // payloadLength is a multiple of 8
        Span<byte> packet = _response.AsSpan(0, total);
        BinaryPrimitives.WriteUInt16LittleEndian(packet[VmbusLayout.PacketType..], VmbusLayout.PacketTypeInband);
        BinaryPrimitives.WriteUInt16LittleEndian(packet[VmbusLayout.HeaderLength8..], VmbusLayout.DescriptorUnits);
        BinaryPrimitives.WriteUInt16LittleEndian(packet[VmbusLayout.TotalLength8..], (ushort)(total / 8));
        BinaryPrimitives.WriteUInt16LittleEndian(packet[VmbusLayout.PacketFlags..], 0);
        BinaryPrimitives.WriteUInt64LittleEndian(packet[VmbusLayout.TransactionId..], VmbusLayout.ResponseTransactionId);
        payload.CopyTo(packet[VmbusLayout.DescriptorSize..]);

        for (int waited = 0; ; waited++)
        {
            RingResult w = _tx!.TryWrite(packet);
            if (w.Status == RingStatus.Ok) break;
            // ENOBUFS, not EAGAIN: the host did not make room in time, which is no "try again".
            if (w.Status == RingStatus.Full && waited * 5 >= TxFullWaitMs)
                return ChannelResult.Failed(Errno.ENOBUFS, "VMBus channel send error: TX ring full for " + TxFullWaitMs + " ms");
            if (w.Status != RingStatus.Full)
                return ChannelResult.Failed(Errno.EIO, "VMBus channel send error: " + (w.Detail ?? w.Status.ToString()));
            Signal();   // the host may be waiting for a doorbell before it drains; a failure shows below
            Thread.Sleep(5);
        }
        SysResult signalled = Signal();
        return signalled.Ok ? ChannelResult.Ok() : ChannelResult.Failed(signalled.Error, "Signal to host failed");
    }

    /// <summary>Writing a non-zero value re-enables RX interrupts and signals the host (docs/protocol.md §7.4).</summary>
    SysResult Signal() => _device!.WriteIrqControl(1);

    void RearmOrWake()
    {
        _rx!.InterruptMask = 0;     // includes the full fence before the re-check
        RaiseWakeIfReadable();
    }

    void RaiseWakeIfReadable()
    {
        if (_rx!.Readable() != 0) Raise();   // non-empty, or corrupt indices Receive will report
    }

    void Raise()
    {
        EventFd.Raise(_wake!);
    }

    public void Close()
    {
        _mapping?.Dispose();
        _mapping = null;
        _tx = _rx = null;
        _device?.Dispose();
        _device = null;
        _epoll?.Dispose();
        _wake?.Dispose();
        _epoll = _wake = null;
        _pendingLength = -1;
        InHandshake = false;
    }

    public void Dispose() => Close();
}
