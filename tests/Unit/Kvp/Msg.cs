using System;
using System.Buffers.Binary;
using System.Text;

namespace HvDaemons.Tests.Kvp;

/// <summary>
/// Test-side hv_kvp_msg builder and reader, written from the offset table of docs/protocol.md §3.2 with
/// literal numbers (not lib's KvpLayout), so a wrong constant in lib cannot hide here.
/// </summary>
static class Msg
{
    public const int Size = 7432;
    public const uint S_OK = 0, E_FAIL = 0x80004005, S_CONT = 0x80070103, INVALIDARG = 0x80070057, GUID_NOTFOUND = 0x80041002;

    static byte[] New(byte op, byte pool)
    {
        var m = new byte[Size];
        m[0] = op;
        m[1] = pool;
        return m;
    }

    static void Str(byte[] m, int at, string s) => Encoding.UTF8.GetBytes(s).CopyTo(m, at);
    static void U32(byte[] m, int at, uint v) => BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(at), v);

    public static byte[] Set(byte pool, string key, string value)
    {
        var m = New(1, pool);
        U32(m, 4, 1);
        U32(m, 8, (uint)Encoding.UTF8.GetByteCount(key) + 1);
        U32(m, 12, (uint)Encoding.UTF8.GetByteCount(value) + 1);
        Str(m, 16, key);
        Str(m, 528, value);
        return m;
    }

    /// <summary>As the kernel sends GET: key and key_size only, value_size 0.</summary>
    public static byte[] Get(byte pool, string key)
    {
        var m = New(0, pool);
        U32(m, 8, (uint)Encoding.UTF8.GetByteCount(key) + 1);
        Str(m, 16, key);
        return m;
    }

    public static byte[] Delete(byte pool, string key)
    {
        var m = New(2, pool);
        U32(m, 4, (uint)Encoding.UTF8.GetByteCount(key) + 1);
        Str(m, 8, key);
        return m;
    }

    public static byte[] Enumerate(byte pool, uint index)
    {
        var m = New(3, pool);
        U32(m, 4, index);
        return m;
    }

    public static byte[] IpInfo(byte op, string adapter, byte family = 0, bool dhcp = false,
                                string ip = "", string subnet = "", string gateway = "", string dns = "")
    {
        var m = New(op, 0);
        Str(m, 4, adapter);
        m[260] = family;
        m[261] = dhcp ? (byte)1 : (byte)0;
        Str(m, 262, ip);
        Str(m, 2310, subnet);
        Str(m, 4358, gateway);
        Str(m, 5382, dns);
        return m;
    }

    public static uint Status(byte[] m) => BinaryPrimitives.ReadUInt32LittleEndian(m);
    public static string CStr(byte[] m, int at, int len)
    {
        var f = m.AsSpan(at, len);
        int nul = f.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? f : f[..nul]);
    }

    public static string EnumKey(byte[] m) => CStr(m, 20, 512);
    public static string EnumValue(byte[] m) => CStr(m, 532, 2048);
    public static string IpAddr(byte[] m) => CStr(m, 262, 2048);
    public static string SubNet(byte[] m) => CStr(m, 2310, 2048);
    public static string GateWay(byte[] m) => CStr(m, 4358, 1024);
    public static string DnsAddr(byte[] m) => CStr(m, 5382, 2048);
}
