using System;
using System.Buffers.Binary;
using HvDaemons.Kvp.Auto;
using HvDaemons.Kvp.Pool;
using HvDaemons.Wire;

namespace HvDaemons.Kvp;

/// <summary>SET, GET, DELETE and ENUMERATE: upstream's semantics and statuses (HV_S_CONT for
/// "no such key", "past the end" and failure alike, which ends the host's iteration; HV_E_FAIL
/// when another program kept the pool locked past our deadline).</summary>
public sealed partial class KvpService
{
    uint Set(Span<byte> msg, byte pool)
    {
        if (!KvpRequest.TryKey(msg, KvpLayout.KeySize, KvpLayout.Key, out ReadOnlySpan<byte> key, out string? problem)
            || !KvpRequest.TryValue(msg, out ReadOnlySpan<byte> value, out problem))
        {
            _log.Err($"kvp_key_add_or_modify: refused SET in pool {pool}: {problem}");
            return HvStatus.S_CONT;
        }
        if (_log.DebugEnabled)
            _log.Debug($"kvp_key_add_or_modify: got a KVP: pool={pool} key={KvpPool.Text(key)} val={KvpPool.Text(value)}");
        return Status(_pools[pool].Set(key, value));
    }

    /// <summary>
    /// The kernel reads a GET reply's value at the ENUMERATE offset (532), not where it put the
    /// request's (528). Upstream writes 528 with value_size (0 from the kernel) bytes, so hosts
    /// get an empty string; we answer where the kernel reads, with the key and sizes beside it.
    /// </summary>
    uint Get(Span<byte> msg, byte pool)
    {
        if (!KvpRequest.TryKey(msg, KvpLayout.KeySize, KvpLayout.Key, out ReadOnlySpan<byte> key, out string? problem))
        {
            _log.Err($"refused GET in pool {pool}: {problem}");
            return HvStatus.S_CONT;
        }
        byte[] keyCopy = key.ToArray();   // the reply overwrites the request's key area
        PoolResult r = _pools[pool].Get(keyCopy, out ReadOnlySpan<byte> value);
        if (r != PoolResult.Ok) return Status(r);
        WriteEnumLayout(msg, keyCopy, value);
        return HvStatus.S_OK;
    }

    uint Delete(Span<byte> msg, byte pool)
    {
        if (!KvpRequest.TryKey(msg, KvpLayout.DeleteKeySize, KvpLayout.DeleteKey, out ReadOnlySpan<byte> key, out string? problem))
        {
            _log.Err($"kvp_key_delete: refused DELETE in pool {pool}: {problem}");
            return HvStatus.S_CONT;
        }
        return Status(_pools[pool].Delete(key));
    }

    uint Enumerate(Span<byte> msg, byte pool)
    {
        uint index = BinaryPrimitives.ReadUInt32LittleEndian(msg[KvpLayout.EnumIndex..]);
        if (pool == KvpPoolId.Auto)
        {
            if (index >= AutoPool.Count) return HvStatus.S_CONT;
            string key = AutoPool.KeyAt((int)index);
            string value = _auto.ValueAt((int)index);
            WriteEnumLayout(msg, System.Text.Encoding.UTF8.GetBytes(key), System.Text.Encoding.UTF8.GetBytes(value));
            return HvStatus.S_OK;
        }
        PoolResult r = _pools[pool].Enumerate(index, out ReadOnlySpan<byte> record);
        if (r != PoolResult.Ok) return Status(r);
        WriteEnumLayout(msg, PoolImage.KeyOf(record), PoolImage.ValueOf(record));
        return HvStatus.S_OK;
    }

    /// <summary>hv_kvp_exchg_msg_value at offset 8: REG_SZ, sizes including the NUL, key, value.</summary>
    static void WriteEnumLayout(Span<byte> msg, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int k = HostString.Copy(key, msg.Slice(KvpLayout.EnumKey, KvpLayout.MaxKeySize));
        int v = HostString.Copy(value, msg.Slice(KvpLayout.EnumValue, KvpLayout.MaxValueSize));
        BinaryPrimitives.WriteUInt32LittleEndian(msg[KvpLayout.EnumValueType..], KvpValueType.RegSz);
        BinaryPrimitives.WriteUInt32LittleEndian(msg[KvpLayout.EnumKeySize..], (uint)k + 1);
        BinaryPrimitives.WriteUInt32LittleEndian(msg[KvpLayout.EnumValueSize..], (uint)v + 1);
    }
}
