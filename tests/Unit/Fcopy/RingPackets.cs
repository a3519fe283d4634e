using System;
using System.Buffers.Binary;

namespace HvDaemons.Tests.Fcopy;

/// <summary>The same packet generator as the C host's make().</summary>
static class RingPackets
{
    static uint Next(ref uint s) { s ^= s << 13; s ^= s >> 17; s ^= s << 5; return s; }

    public static byte[] Make(uint i, uint seed, uint maxUnits, bool fixedSize)
    {
        uint s = unchecked(seed * 0x9E3779B1u + i * 7919u + 1u);
        uint units = fixedSize ? maxUnits : 3 + Next(ref s) % maxUnits;
        var p = new byte[units * 8];
        BinaryPrimitives.WriteUInt16LittleEndian(p, 6);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(2), 2);
        BinaryPrimitives.WriteUInt16LittleEndian(p.AsSpan(4), (ushort)units);
        BinaryPrimitives.WriteUInt64LittleEndian(p.AsSpan(8), i);
        for (int k = 16; k < p.Length; k++) p[k] = (byte)Next(ref s);
        return p;
    }
}
