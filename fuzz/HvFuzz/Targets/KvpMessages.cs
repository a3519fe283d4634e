using System;
using System.Buffers.Binary;
using System.Text;
using HvDaemons.Wire;

namespace HvDaemons.Fuzz.Targets;

/// <summary>Well-formed hv_kvp_msg seeds, built as the kernel hands them to the daemon.</summary>
static class KvpMessages
{
    public const string Mac = "00:15:5D:AA:BB:CC";
    public const string DeviceId = "{f0f0f0f0-1111-2222-3333-444455556666}";

    static byte[] New(byte op, byte pool)
    {
        var m = new byte[KvpLayout.MessageSize];
        m[KvpLayout.Operation] = op;
        m[KvpLayout.Pool] = pool;
        return m;
    }

    static void Str(byte[] m, int at, string s) => Encoding.UTF8.GetBytes(s).CopyTo(m, at);

    static void U32(byte[] m, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(at), v);

    public static byte[] Set(byte pool, string key, string value)
    {
        byte[] m = New(KvpOp.Set, pool);
        U32(m, KvpLayout.ValueType, KvpValueType.RegSz);
        U32(m, KvpLayout.KeySize, (uint)Encoding.UTF8.GetByteCount(key) + 1);
        U32(m, KvpLayout.ValueSize, (uint)Encoding.UTF8.GetByteCount(value) + 1);
        Str(m, KvpLayout.Key, key);
        Str(m, KvpLayout.Value, value);
        return m;
    }

    public static byte[] Get(byte pool, string key)
    {
        byte[] m = New(KvpOp.Get, pool);
        U32(m, KvpLayout.KeySize, (uint)Encoding.UTF8.GetByteCount(key) + 1);
        Str(m, KvpLayout.Key, key);
        return m;
    }

    public static byte[] Delete(byte pool, string key)
    {
        byte[] m = New(KvpOp.Delete, pool);
        U32(m, KvpLayout.DeleteKeySize, (uint)Encoding.UTF8.GetByteCount(key) + 1);
        Str(m, KvpLayout.DeleteKey, key);
        return m;
    }

    public static byte[] Enumerate(byte pool, uint index)
    {
        byte[] m = New(KvpOp.Enumerate, pool);
        U32(m, KvpLayout.EnumIndex, index);
        return m;
    }

    public static byte[] GetIpInfo(string mac)
    {
        byte[] m = New(KvpOp.GetIpInfo, 0);
        Str(m, KvpLayout.AdapterId, mac);
        m[KvpLayout.AddrFamily] = AddrFamily.IPv4 | AddrFamily.IPv6;
        return m;
    }

    public static byte[] SetIpInfo(string guid, bool dhcp, string ips, string subnets, string gateways, string dns)
    {
        byte[] m = New(KvpOp.SetIpInfo, 0);
        Str(m, KvpLayout.AdapterId, guid);
        m[KvpLayout.AddrFamily] = AddrFamily.IPv4 | AddrFamily.IPv6;
        m[KvpLayout.DhcpEnabled] = dhcp ? (byte)1 : (byte)0;
        Str(m, KvpLayout.IpAddr, ips);
        Str(m, KvpLayout.SubNet, subnets);
        Str(m, KvpLayout.GateWay, gateways);
        Str(m, KvpLayout.DnsAddr, dns);
        return m;
    }

    public static byte[] Register1() => New(KvpOp.Register1, 0);

    /// <summary>Offsets of the op, pool, size fields and string starts: where mutations matter most.</summary>
    public static readonly int[] HotOffsets =
    [
        KvpLayout.Operation, KvpLayout.Pool, KvpLayout.ValueType, KvpLayout.KeySize, KvpLayout.ValueSize,
        KvpLayout.Key, KvpLayout.Key + 1, KvpLayout.Key + 3, KvpLayout.Value, KvpLayout.Value + 2,
        KvpLayout.DeleteKeySize, KvpLayout.DeleteKey, KvpLayout.EnumIndex, KvpLayout.EnumKeySize,
        KvpLayout.AdapterId, KvpLayout.AdapterId + 17, KvpLayout.AddrFamily, KvpLayout.DhcpEnabled,
        KvpLayout.IpAddr, KvpLayout.IpAddr + 8, KvpLayout.SubNet, KvpLayout.SubNet + 3, KvpLayout.GateWay,
        KvpLayout.DnsAddr, KvpLayout.DnsAddr + 7, KvpLayout.Key + KvpLayout.MaxKeySize - 1,
        KvpLayout.Value + KvpLayout.MaxValueSize - 1,
    ];
}
