using System;
using System.Threading;
using HvDaemons.Os;
using HvDaemons.Wire;
using Tmds.Linux;

namespace HvDaemons.HostSim.Uio;

/// <summary>Who writes the RX ring's interrupt_mask besides user space.</summary>
public enum MaskSemantics
{
    /// <summary>Before kernel commit 37bd91f22794 ("uio_hv_generic: Let userspace take care of
    /// interrupt mask"): the driver sets the mask on open and again in its channel callback,
    /// before it wakes the reader; an irq-control write of 1 clears it and signals the host.</summary>
    KernelMasks,
    /// <summary>Since that commit: the driver never sets the mask by itself (open and the
    /// callback leave it alone); user space owns it, the irq-control write still sets it to
    /// !value and signals. A reader must drain the ring and re-check after unmasking.</summary>
    UserOwned,
}

/// <summary>
/// The kernel and host side of the RX interrupt on the simulated uio device: the host
/// interrupts only when its write turned an empty ring non-empty and the mask is clear (the
/// VMBus rule); <see cref="MaskSemantics"/> decides whether the "driver" masks on each
/// interrupt; irq-control writes (the daemon's 4-byte writes to uio0.ctl) set the mask to
/// !value, and non-zero ones count as doorbells. The channel counts as opened when the daemon
/// first opens the ring file (inotify IN_OPEN, as hv_uio_open connects the ring on first open).
/// </summary>
public sealed unsafe class UioInterrupts : IDisposable
{
    readonly Func<nint> _rxControl;
    readonly FileDescriptor _irq;
    readonly FileDescriptor _ctl;
    readonly int _inotify;
    uint _count;
    bool _channelOpen;

    public UioInterrupts(MaskSemantics semantics, Func<nint> rxControl, string ringFile, string irqFifo, string ctlFifo)
    {
        Semantics = semantics;
        _rxControl = rxControl;
        Posix.Open(irqFifo, Posix.O_RDWR | Posix.O_NONBLOCK, 0, out _irq);
        Posix.Open(ctlFifo, Posix.O_RDWR | Posix.O_NONBLOCK, 0, out _ctl);
        _inotify = Inotify.WatchOpens(ringFile, out Errno failed);
        if (_inotify < 0) throw new InvalidOperationException("inotify on " + ringFile + ": " + Errno.Describe(failed));
        // Before the channel is open: the kernel's own state. The old driver masks on open; the
        // new one leaves the zeroed ring page as it is, so only user space can set the mask.
        RxMask = semantics == MaskSemantics.KernelMasks ? 1u : 0u;
    }

    public MaskSemantics Semantics { get; }
    public int Doorbells { get; private set; }
    public int Interrupts => (int)_count;
    /// <summary>The daemon opened the device (it may not have unmasked yet).</summary>
    public bool Opened { get; private set; }

    public uint RxMask
    {
        get => Volatile.Read(ref *(uint*)(_rxControl() + VmbusLayout.InterruptMask));
        set { Volatile.Write(ref *(uint*)(_rxControl() + VmbusLayout.InterruptMask), value); Interlocked.MemoryBarrier(); }
    }

    /// <summary>Applies what the daemon did meanwhile: opens and irq-control writes.</summary>
    public void Poll()
    {
        byte* events = stackalloc byte[256];
        while (LibC.read(_inotify, events, 256) > 0) Opened = true;
        Span<byte> b = stackalloc byte[4];
        while (Posix.Read(_ctl, b) is { Ok: true, Value: 4 })
        {
            uint value = BitConverter.ToUInt32(b);
            RxMask = value != 0 ? 0u : 1u;
            if (value != 0) Doorbells++;
        }
    }

    /// <summary>Whether the host may send: the daemon opened the channel and has cleared its mask
    /// once since. After that the mask only decides whether a write interrupts.</summary>
    public bool ReadyForHost()
    {
        if (_channelOpen) return true;
        Poll();
        return _channelOpen = Opened && RxMask == 0;
    }

    /// <summary>The host wrote to RX; <paramref name="wasEmpty"/>: the ring held nothing before.
    /// <paramref name="force"/> interrupts whatever the state (a broken ring needs a wake-up).</summary>
    public void HostWrote(bool wasEmpty, bool force = false)
    {
        Poll();
        if (!force && (!wasEmpty || RxMask != 0)) return;
        if (Semantics == MaskSemantics.KernelMasks) RxMask = 1;   // hv_uio_channel_cb, before the wake-up
        _count++;
        Span<byte> b = stackalloc byte[4];
        BitConverter.TryWriteBytes(b, _count);
        Posix.Write(_irq, b);
    }

    /// <summary>The channel will be closed and reopened: only the next open counts. The old
    /// driver masks again on that open; set here, before the daemon can reopen.</summary>
    public void ExpectReopen()
    {
        Poll();
        Opened = _channelOpen = false;
        if (Semantics == MaskSemantics.KernelMasks) RxMask = 1;
    }

    public void Dispose()
    {
        _irq.Dispose();
        _ctl.Dispose();
        if (_inotify >= 0) LibC.close(_inotify);
    }
}
