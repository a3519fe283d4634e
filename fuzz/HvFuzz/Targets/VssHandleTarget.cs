using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Wire;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// VssService.Handle with 12-byte hv_vss_msg buffers (also short ones), every op value
/// including FREEZE: in process the freezer is a fake, so nothing real is ever frozen. The
/// second byte moves the clock, so the watchdog fires too. Checks: reply 12 bytes, status
/// S_OK or E_FAIL, what the service holds equals what the fake has frozen, nothing stays
/// frozen after THAW or the watchdog, no descriptor leaks.
/// </summary>
sealed class VssHandleTarget : FuzzTarget
{
    readonly VssFixture _fx = new();
    readonly byte[] _buffer = new byte[VssLayout.MessageSize];

    public override string Name => "vss-handle";
    public override string Description => "VSS handler: hv_vss_msg (12 B, every op incl. FREEZE) over a fake freezer, watchdog clock";
    public override int MaxInputLength => VssLayout.MessageSize;
    public override int FixedLength => VssLayout.MessageSize;
    public override IReadOnlyList<int> HotOffsets => [VssLayout.Operation, VssLayout.Reserved, VssLayout.Flags];

    public override IEnumerable<byte[]> Seeds()
    {
        for (byte op = 0; op < VssOp.Count; op++)
        {
            var m = new byte[VssLayout.MessageSize];
            m[0] = op;
            yield return m;
        }
        yield return [VssOp.Register1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        yield return [VssOp.HotBackup, 0, 0, 0, 0, 0, 0, 0, 5, 0, 0, 0];
    }

    public override Verdict Run(byte[] input)
    {
        int length = Math.Min(input.Length, VssLayout.MessageSize);
        Array.Clear(_buffer);
        input.AsSpan(0, length).CopyTo(_buffer);
        byte op = _buffer[VssLayout.Operation];
        _fx.Log.Lines.Clear();
        int reply = _fx.Service.Handle(_buffer, length);
        Check(reply == VssLayout.MessageSize, $"reply length: {reply}");
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(_buffer);
        Check(status is HvStatus.S_OK or HvStatus.E_FAIL, $"undefined status: 0x{status:X8}");
        Check(_fx.Service.FrozenCount == _fx.Freezer.Frozen.Count, "held count differs from what is frozen");
        if (length == VssLayout.MessageSize && op == VssOp.Freeze && status == HvStatus.S_OK)
            Check(_fx.Freezer.FreezeOrder.Count == 0 || _fx.Freezer.Frozen.Contains("/") == false || _fx.Freezer.FreezeOrder[^1] == "/", "\"/\" frozen before another filesystem");
        if (length == VssLayout.MessageSize && op == VssOp.Thaw)
            Check(_fx.Freezer.Frozen.Count == 0 && _fx.Freezer.OpenHandles == 0, "THAW left something frozen or open");

        // The fuzzer drives the clock: past the watchdog's deadline everything must be thawed.
        if (length > 1) _fx.NowMs += _buffer[VssLayout.Reserved] * 1000L;
        if (_fx.Service.TimerDueMs() == 0)
        {
            _fx.Service.OnTimer();
            Check(_fx.Freezer.Frozen.Count == 0 && _fx.Freezer.OpenHandles == 0, "watchdog left something frozen or open");
        }
        _fx.Freezer.ForgetHistory();
        return new Verdict(status != HvStatus.S_OK || op >= VssOp.Count, FuzzRunner.Behaviour(op < 10 ? op : 10, length, status, _fx.Service.FrozenCount));
    }

    public override void Reset() => _fx.Restart();

    public override void Dispose()
    {
        _fx.Service.OnReset(Daemon.ResetReason.Shutdown);
        _fx.Dispose();
    }
}
