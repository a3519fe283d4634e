using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text.Unicode;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Kvp;
using HvDaemons.Logging;
using HvDaemons.Transport;
using HvDaemons.Wire;

namespace HvDaemons.Fuzz.Targets;

/// <summary>Stored strings copied into reply fields for the host: cut at a character boundary.</summary>
sealed class HostStringTarget : FuzzTarget
{
    public override string Name => "host-string";
    public override string Description => "reply-field copy of stored strings: valid UTF-8, NUL-terminated, within the field";
    public override int MaxInputLength => 3000;

    public override IEnumerable<byte[]> Seeds()
    {
        yield return [0x10, 0x00, (byte)'a', 0xc3, 0xa9, 0xe2, 0x9c, 0x93, 0xf0, 0x9f, 0x98, 0x80];
        yield return [0x02, 0x00, 0xff, 0xfe, 0xc3];
        yield return [0x00, 0x08, 0xed, 0xa0, 0x80, 0xc0, 0xaf];
    }

    public override Verdict Run(byte[] input)
    {
        if (input.Length < 2) return Verdict.Refused(0);
        int fieldLength = 1 + BinaryPrimitives.ReadUInt16LittleEndian(input) % KvpLayout.MaxValueSize;
        var field = new byte[fieldLength];
        field.AsSpan().Fill(0xAA);
        int n = HostString.Copy(input.AsSpan(2), field);
        Check(n >= 0 && n <= fieldLength - 1, $"wrote {n} bytes into a {fieldLength}-byte field");
        Check(field.AsSpan(n).IndexOfAnyExcept((byte)0) < 0, "field not NUL-filled after the string");
        Check(Utf8.IsValid(field.AsSpan(0, n)), "copied string is not valid UTF-8");
        Check(field.AsSpan(0, n).IndexOf((byte)0) < 0 || input.AsSpan(2).IndexOf((byte)0) >= 0, "NUL invented inside the string");
        return Verdict.Accepted(FuzzRunner.Behaviour(n == fieldLength - 1, Utf8.IsValid(input.AsSpan(2))));
    }
}

/// <summary>The kernel's registration replies for all three services.</summary>
sealed class RegistrationTarget : FuzzTarget
{
    readonly IRegistration[] _registrations = [new KvpRegistration(), new VssRegistration(), new FcopyRegistration()];

    public override string Name => "registration";
    public override string Description => "handshake replies (KVP 7432 B with version text, VSS/fcopy bare u32), any length";
    public override int MaxInputLength => KvpLayout.MessageSize + 1;

    public override IEnumerable<byte[]> Seeds()
    {
        var kvp = new byte[KvpLayout.MessageSize + 1];
        kvp[1 + KvpLayout.Operation] = KvpOp.Register1;
        "3.1"u8.CopyTo(kvp.AsSpan(1 + KvpLayout.RegisterVersion));
        yield return kvp;
        yield return [1, 129, 0, 0, 0];
        yield return [2, 1, 0, 0, 0];
    }

    public override Verdict Run(byte[] input)
    {
        if (input.Length == 0) return Verdict.Refused(0);
        IRegistration r = _registrations[input[0] % 3];
        HandshakeOutcome o = r.Check(input.AsSpan(1), out string version);
        Check(o != HandshakeOutcome.Accepted || version is not null, "accepted without a version");
        Check(version is null || version.Length <= KvpLayout.RegisterVersionLength, "version longer than its field");
        return new Verdict(o != HandshakeOutcome.Accepted, FuzzRunner.Behaviour(input[0] % 3, o));
    }
}

