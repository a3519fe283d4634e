using System;
using System.Buffers.Binary;
using System.Collections.Generic;

namespace HvDaemons.Fuzz.Engine;

/// <summary>
/// AFL-style havoc mutations on a byte array: bit flips, random and "interesting" bytes and
/// integers (little-endian, as the wire is), block deletion, insertion, duplication, tokens,
/// and splicing with another corpus entry. Offsets named by the target are hit more often.
/// </summary>
public sealed class Mutator(Random rng, FuzzTarget target)
{
    static readonly byte[] InterestingBytes = [0, 1, 0x7f, 0x80, 0xff, (byte)'\n', (byte)';', (byte)' ', (byte)'\\', (byte)'#'];
    static readonly uint[] InterestingInts = [0, 1, 2, 3, 4, 5, 6, 7, 8, 16, 100, 128, 255, 256, 511, 512, 513, 1023, 1024, 2047, 2048, 2049,
                                              2560, 4096, 6144, 7432, 0x7fff, 0x8000, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff];

    readonly IReadOnlyList<int> _hot = target.HotOffsets;
    readonly IReadOnlyList<byte[]> _tokens = target.Tokens;
    readonly int _max = target.MaxInputLength;

    public byte[] Mutate(byte[] parent, IReadOnlyList<byte[]> corpus)
    {
        var data = new List<byte>(parent);
        int rounds = 1 << rng.Next(0, 4);
        for (int i = 0; i < rounds; i++) MutateOnce(data, corpus);
        if (data.Count > _max) data.RemoveRange(_max, data.Count - _max);
        return data.ToArray();
    }

    int Offset(List<byte> data, int width = 1)
    {
        if (_hot.Count > 0 && rng.Next(3) == 0)
        {
            int at = _hot[rng.Next(_hot.Count)];
            if (at + width <= data.Count) return at;
        }
        return rng.Next(0, Math.Max(1, data.Count - width + 1));
    }

    void MutateOnce(List<byte> d, IReadOnlyList<byte[]> corpus)
    {
        int op = rng.Next(0, 12);
        if (d.Count == 0) op = 6;
        switch (op)
        {
            case 0: { int at = Offset(d); d[at] ^= (byte)(1 << rng.Next(8)); break; }
            case 1: { int at = Offset(d); d[at] = (byte)rng.Next(256); break; }
            case 2: { int at = Offset(d); d[at] = InterestingBytes[rng.Next(InterestingBytes.Length)]; break; }
            case 3: { int at = Offset(d); d[at] = (byte)(d[at] + rng.Next(-16, 17)); break; }
            case 4:
            case 5:
            {
                if (d.Count < 4) goto case 1;
                int at = Offset(d, 4);
                uint v = InterestingInts[rng.Next(InterestingInts.Length)];
                if (rng.Next(4) == 0) v += (uint)rng.Next(-2, 3);
                Span<byte> le = stackalloc byte[4];
                BinaryPrimitives.WriteUInt32LittleEndian(le, v);
                int width = rng.Next(3) == 0 ? 2 : 4;
                for (int i = 0; i < width; i++) d[at + i] = le[i];
                break;
            }
            case 6:
            {
                int at = rng.Next(0, d.Count + 1);
                int n = rng.Next(1, 33);
                var ins = new byte[n];
                if (rng.Next(2) == 0) rng.NextBytes(ins);
                else Array.Fill(ins, d.Count > 0 ? d[rng.Next(d.Count)] : (byte)'A');
                d.InsertRange(at, ins);
                break;
            }
            case 7:
            {
                int at = rng.Next(0, d.Count);
                int n = Math.Min(d.Count - at, 1 + rng.Next(Math.Min(64, d.Count)));
                d.RemoveRange(at, n);
                break;
            }
            case 8:
            {
                int from = rng.Next(0, d.Count);
                int n = Math.Min(d.Count - from, 1 + rng.Next(Math.Min(128, d.Count)));
                byte[] block = d.GetRange(from, n).ToArray();
                int to = rng.Next(0, d.Count + 1);
                if (rng.Next(2) == 0) d.InsertRange(to, block);
                else for (int i = 0; i < block.Length && to + i < d.Count; i++) d[to + i] = block[i];
                break;
            }
            case 9:
            case 10:
            {
                if (_tokens.Count == 0) goto case 1;
                byte[] t = _tokens[rng.Next(_tokens.Count)];
                int at = rng.Next(0, d.Count + 1);
                if (rng.Next(2) == 0) d.InsertRange(at, t);
                else for (int i = 0; i < t.Length && at + i < d.Count; i++) d[at + i] = t[i];
                break;
            }
            default:
            {
                if (corpus.Count < 2) goto case 1;
                byte[] other = corpus[rng.Next(corpus.Count)];
                if (other.Length == 0) break;
                int cut = rng.Next(0, Math.Min(d.Count, other.Length) + 1);
                d.RemoveRange(cut, d.Count - cut);
                d.AddRange(other.AsSpan(cut).ToArray());
                break;
            }
        }
    }
}
