using System;
using System.Buffers.Binary;
using System.Text;
using HvDaemons.Wire;

namespace HvDaemons.BlackBox.Storms;

/// <summary>
/// Random and mutated hv_kvp_msg buffers: well-formed requests over a small key set, then
/// havoc on top (sizes at their edges, unknown ops and pools, flipped bytes in the strings,
/// fields filled to their maximum, whole random messages).
/// </summary>
sealed class KvpStormMessages(Random rng)
{
    public const string Mac = "00:15:5D:AA:BB:CC";
    public const string DeviceId = "{f0f0f0f0-1111-2222-3333-444455556666}";

    static readonly uint[] Edges = [0, 1, 2, 511, 512, 513, 2047, 2048, 2049, 7432, 0x7fffffff, 0x80000000, 0xffffffff];
    static readonly int[] Hot =
    [
        KvpLayout.Operation, KvpLayout.Pool, KvpLayout.KeySize, KvpLayout.ValueSize, KvpLayout.DeleteKeySize,
        KvpLayout.EnumIndex, KvpLayout.AddrFamily, KvpLayout.DhcpEnabled,
    ];

    public byte[] Next()
    {
        byte[] m = Wellformed();
        int kind = rng.Next(10);
        if (kind < 2) return m;                       // valid request
        if (kind == 2) { rng.NextBytes(m); return m; } // pure noise
        int rounds = 1 + rng.Next(4);
        for (int i = 0; i < rounds; i++) Mutate(m);
        return m;
    }

    byte[] Wellformed()
    {
        byte pool = (byte)rng.Next(KvpPoolId.Count);
        string key = "k" + rng.Next(32);
        return rng.Next(8) switch
        {
            0 => Set(pool, key, "v" + rng.Next(1000)),
            1 => Set(pool, new string('K', 511), new string('V', 2047)),
            2 => Get(pool, key),
            3 => Delete(pool, key),
            4 => Enumerate(pool, (uint)rng.Next(40)),
            5 => IpInfo(KvpOp.GetIpInfo, Mac),
            6 => SetIpInfo(),
            _ => Set(pool, key, "ü✓" + rng.Next(10)),
        };
    }

    void Mutate(byte[] m)
    {
        switch (rng.Next(7))
        {
            case 0: m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8)); break;
            case 1: m[Hot[rng.Next(Hot.Length)]] = (byte)rng.Next(256); break;
            case 2: BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(Hot[rng.Next(2, Hot.Length - 2)]), Edges[rng.Next(Edges.Length)]); break;
            case 3: m[KvpLayout.Operation] = (byte)rng.Next(256); break;
            case 4:
            {
                // A string field filled to its end: no NUL anywhere in it.
                (int at, int len) = rng.Next(3) switch
                {
                    0 => (KvpLayout.Key, KvpLayout.MaxKeySize),
                    1 => (KvpLayout.Value, KvpLayout.MaxValueSize),
                    _ => (KvpLayout.IpAddr, KvpLayout.IpAddrLength),
                };
                m.AsSpan(at, len).Fill((byte)(0x21 + rng.Next(94)));
                break;
            }
            case 5: m[KvpLayout.Key + rng.Next(8)] = (byte)rng.Next(0x80, 0x100); break;
            default:
            {
                int at = rng.Next(m.Length - 64);
                rng.NextBytes(m.AsSpan(at, rng.Next(1, 64)));
                break;
            }
        }
    }

    static byte[] New(byte op, byte pool)
    {
        var m = new byte[KvpLayout.MessageSize];
        m[KvpLayout.Operation] = op;
        m[KvpLayout.Pool] = pool;
        return m;
    }

    static int Str(byte[] m, int at, string s) => Encoding.UTF8.GetBytes(s, m.AsSpan(at));

    public static byte[] Set(byte pool, string key, string value)
    {
        byte[] m = New(KvpOp.Set, pool);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.KeySize), (uint)Str(m, KvpLayout.Key, key) + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.ValueSize), (uint)Str(m, KvpLayout.Value, value) + 1);
        return m;
    }

    public static byte[] Get(byte pool, string key)
    {
        byte[] m = New(KvpOp.Get, pool);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.KeySize), (uint)Str(m, KvpLayout.Key, key) + 1);
        return m;
    }

    static byte[] Delete(byte pool, string key)
    {
        byte[] m = New(KvpOp.Delete, pool);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.DeleteKeySize), (uint)Str(m, KvpLayout.DeleteKey, key) + 1);
        return m;
    }

    static byte[] Enumerate(byte pool, uint index)
    {
        byte[] m = New(KvpOp.Enumerate, pool);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.EnumIndex), index);
        return m;
    }

    static byte[] IpInfo(byte op, string adapter)
    {
        byte[] m = New(op, 0);
        Str(m, KvpLayout.AdapterId, adapter);
        m[KvpLayout.AddrFamily] = AddrFamily.IPv4 | AddrFamily.IPv6;
        return m;
    }

    static byte[] SetIpInfo()
    {
        byte[] m = IpInfo(KvpOp.SetIpInfo, DeviceId);
        Str(m, KvpLayout.IpAddr, "192.168.7.10;fe80::10");
        Str(m, KvpLayout.SubNet, "255.255.255.0;64");
        Str(m, KvpLayout.GateWay, "192.168.7.1");
        Str(m, KvpLayout.DnsAddr, "192.168.7.1;fe80::53");
        return m;
    }
}
