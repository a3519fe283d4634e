using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using HvDaemons.Fcopy;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Transport;
using HvDaemons.Wire;

namespace HvDaemons.Fuzz.Targets;

/// <summary>START's name fields in both encodings: strict decoding, nothing replaced.</summary>
sealed class FcopyNamesTarget : FuzzTarget
{
    public override string Name => "fcopy-names";
    public override string Description => "fcopy name fields (UTF-8 and UTF-16LE, 520 B): strict decode, round trip";
    public override int MaxInputLength => FcopyLayout.NameFieldLength + 1;

    public override IEnumerable<byte[]> Seeds()
    {
        yield return [0, .. "file.txt\0"u8];
        yield return [1, (byte)'a', 0, 0x3d, 0xd8, 0x00, 0xde, 0, 0];   // "a" + U+1F600 in UTF-16LE
        yield return [0, 0xed, 0xa0, 0x80, 0];                            // a surrogate in UTF-8
        yield return [1, 0x00, 0xdc, 0, 0];                               // a lone low surrogate
    }

    public override Verdict Run(byte[] input)
    {
        if (input.Length == 0) return Verdict.Refused(0);
        NameEncoding enc = (input[0] & 1) == 0 ? NameEncoding.Utf8 : NameEncoding.Utf16Le;
        ReadOnlySpan<byte> field = input.AsSpan(1);
        NameError e = FcopyNames.Decode(field, enc, out string name);
        if (e == NameError.None)
        {
            Check(!name.Contains('\0'), "decoded name holds a NUL");
            Check(FcopyNames.IsWellFormed(name), "decoded name is not well-formed UTF-16");
            var again = new byte[field.Length + 2];
            Check(FcopyNames.Encode(name, enc, again), "decoded name does not fit its own field size");
            FcopyNames.Decode(again, enc, out string back);
            Check(back == name, "name does not survive encode/decode");
        }
        return new Verdict(e != NameError.None, FuzzRunner.Behaviour(enc, e));
    }
}

/// <summary>The IC version negotiation the uio daemon answers itself.</summary>
sealed class IcNegotiationTarget : FuzzTarget
{
    public override string Name => "ic-negotiation";
    public override string Description => "IC NEGOTIATE payloads (counts vs packet length): answer rewritten in place, status defined";
    public override int MaxInputLength => 1024;
    public override IReadOnlyList<int> HotOffsets => [IcLayout.FrameVersionCount, IcLayout.MessageVersionCount, IcLayout.Versions, IcLayout.Versions + 4, IcLayout.MessageType];

    public override IEnumerable<byte[]> Seeds()
    {
        var p = new byte[IcLayout.Versions + 4 * 4];
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.FrameVersionCount), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.MessageVersionCount), 2);
        ushort[] versions = [1, 0, 3, 0, 1, 0, 1, 1];
        for (int i = 0; i < versions.Length; i++) BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(IcLayout.Versions + 2 * i), versions[i]);
        yield return p;
        yield return p[..IcLayout.HeaderSize];
        yield return p[..(IcLayout.Versions + 4)];
    }

    public override Verdict Run(byte[] input)
    {
        // The channel hands over only payloads that hold an IC header.
        if (input.Length < IcLayout.HeaderSize) Array.Resize(ref input, IcLayout.HeaderSize);
        var payload = (byte[])input.Clone();
        NegotiationOutcome o = IcNegotiation.Answer(payload);
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(payload.AsSpan(IcLayout.Status));
        Check(status == (o == NegotiationOutcome.Agreed ? HvStatus.S_OK : HvStatus.E_FAIL), $"status 0x{status:X8} for {o}");
        if (o == NegotiationOutcome.Agreed)
        {
            Check(BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(IcLayout.FrameVersionCount)) == 1
                  && BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(IcLayout.Versions)) == IcNegotiation.FrameworkMajor
                  && BinaryPrimitives.ReadUInt16LittleEndian(payload.AsSpan(IcLayout.Versions + 4)) == IcNegotiation.ServiceMajor,
                  "agreed answer does not carry framework 3.0 and service 1.x");
        }
        return new Verdict(o != NegotiationOutcome.Agreed, FuzzRunner.Behaviour(o, Math.Min(input.Length, 64) / 8));
    }
}

/// <summary>
/// The RX ring as the host can leave it: any read/write indices and any bytes in the data
/// area (a 4 KiB control page + 8 KiB of data in native memory). Checks: a packet is returned
/// only whole, inside the buffer, 8-byte aligned, and the read index moves to a valid place;
/// bad indices or descriptors say Corrupt instead of reading out of the ring.
/// </summary>
sealed unsafe class VmbusRingTarget : FuzzTarget
{
    const int DataBytes = 8192;
    const int RingBytes = VmbusLayout.ControlPageSize + DataBytes;
    readonly byte* _ring = (byte*)NativeMemory.AllocZeroed(RingBytes);
    readonly VmbusRing _rx;
    readonly byte[] _packet = new byte[DataBytes];

    public VmbusRingTarget() => _rx = new VmbusRing(_ring, RingBytes);

    public override string Name => "vmbus-ring";
    public override string Description => "uio VMBus RX ring: host-written indices, descriptors and data; whole packets or Corrupt";
    public override int MaxInputLength => 8 + DataBytes;
    public override IReadOnlyList<int> HotOffsets => [0, 4, 8, 8 + VmbusLayout.HeaderLength8, 8 + VmbusLayout.TotalLength8, 8 + 64, 8 + 66, 8 + 68];

    public override IEnumerable<byte[]> Seeds()
    {
        // Input: write index, read index, then the data area from offset 0.
        var one = new byte[8 + 256];
        BinaryPrimitives.WriteUInt32LittleEndian(one, 64 + 8);        // one 64-byte packet + trailer
        BinaryPrimitives.WriteUInt16LittleEndian(one.AsSpan(8 + VmbusLayout.PacketType), VmbusLayout.PacketTypeInband);
        BinaryPrimitives.WriteUInt16LittleEndian(one.AsSpan(8 + VmbusLayout.HeaderLength8), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(one.AsSpan(8 + VmbusLayout.TotalLength8), 8);
        yield return one;
        var wrap = (byte[])one.Clone();
        BinaryPrimitives.WriteUInt32LittleEndian(wrap, 32);
        BinaryPrimitives.WriteUInt32LittleEndian(wrap.AsSpan(4), DataBytes - 40);
        yield return wrap;
    }

    public override Verdict Run(byte[] input)
    {
        var control = new Span<byte>(_ring, VmbusLayout.ControlPageSize);
        var data = new Span<byte>(_ring + VmbusLayout.ControlPageSize, DataBytes);
        control.Clear();
        data.Clear();
        if (input.Length >= 8)
        {
            BinaryPrimitives.WriteUInt32LittleEndian(control[VmbusLayout.WriteIndex..], BinaryPrimitives.ReadUInt32LittleEndian(input));
            BinaryPrimitives.WriteUInt32LittleEndian(control[VmbusLayout.ReadIndex..], BinaryPrimitives.ReadUInt32LittleEndian(input.AsSpan(4)));
            input.AsSpan(8).CopyTo(data);
        }
        int bufferLength = input.Length >= 8 ? 16 + input[^1] % 2 * (DataBytes - 16) : DataBytes;
        RingStatus last = RingStatus.Ok;
        for (int i = 0; i < 64; i++)
        {
            RingResult r = _rx.TryRead(_packet.AsSpan(0, bufferLength));
            last = r.Status;
            if (r.Status != RingStatus.Ok) break;
            Check(r.Length >= VmbusLayout.DescriptorSize && r.Length <= bufferLength && r.Length % 8 == 0, $"packet of {r.Length} bytes");
            uint ri = _rx.ReadIndex;
            Check(ri < DataBytes && ri % 8 == 0, $"read index moved to {ri}");
        }
        return new Verdict(last == RingStatus.Corrupt, FuzzRunner.Behaviour(last));
    }

    public override void Dispose() => NativeMemory.Free(_ring);
}
