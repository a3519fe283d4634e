using System;
using System.Buffers.Binary;
using System.Globalization;
using System.Threading.Tasks;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Host;

/// <summary>
/// The Windows host's KVP requests, built as hv_kvp's kvp_send_key hands them to the daemon
/// (strings already UTF-8, key_size/value_size = bytes + 1, REG_U32/U64 rendered in decimal,
/// value_type left zero) and decoded as kvp_respond_to_host reads the reply (status at offset 0;
/// GET's value read at the ENUMERATE offset; invalid UTF-8 -> HV_E_FAIL).
/// </summary>
public sealed class KvpHost(KvpKernel kernel)
{
    const int MaxKeyUnits = KvpLayout.MaxKeySize / 2 - 2;      // 254
    const int MaxValueUnits = KvpLayout.MaxValueSize / 2 - 2;  // 1022

    public KvpKernel Kernel => kernel;

    public Task<KvpReply> SetAsync(byte pool, string key, string value)
        => SetRaw(pool, key, value);

    public Task<KvpReply> SetU32Async(byte pool, string key, uint value)
        => SetRaw(pool, key, value.ToString(CultureInfo.InvariantCulture));

    public Task<KvpReply> SetU64Async(byte pool, string key, ulong value)
        => SetRaw(pool, key, value.ToString(CultureInfo.InvariantCulture));

    Task<KvpReply> SetRaw(byte pool, string key, string value)
    {
        byte[] m = NewMessage(KvpOp.Set, pool);
        int v = KernelStrings.WriteUtf8(value, m.AsSpan(KvpLayout.Value), KvpLayout.MaxValueSize - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.ValueSize), (uint)v + 1);
        int k = KernelStrings.WriteUtf8(key, m.AsSpan(KvpLayout.Key), KvpLayout.MaxKeySize - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.KeySize), (uint)k + 1);
        return Send(m);
    }

    public Task<KvpReply> GetAsync(byte pool, string key)
    {
        byte[] m = NewMessage(KvpOp.Get, pool);
        int k = KernelStrings.WriteUtf8(key, m.AsSpan(KvpLayout.Key), KvpLayout.MaxKeySize - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.KeySize), (uint)k + 1);
        return Send(m);
    }

    public Task<KvpReply> DeleteAsync(byte pool, string key)
    {
        byte[] m = NewMessage(KvpOp.Delete, pool);
        int k = KernelStrings.WriteUtf8(key, m.AsSpan(KvpLayout.DeleteKey), KvpLayout.MaxKeySize - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.DeleteKeySize), (uint)k + 1);
        return Send(m);
    }

    public Task<KvpReply> EnumerateAsync(byte pool, uint index)
    {
        byte[] m = NewMessage(KvpOp.Enumerate, pool);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.EnumIndex), index);
        return Send(m);
    }

    public Task<KvpReply> GetIpInfoAsync(string adapterId, byte addrFamily = AddrFamily.IPv4 | AddrFamily.IPv6)
    {
        byte[] m = NewMessage(KvpOp.GetIpInfo, 0);
        KernelStrings.WriteUtf8(adapterId, m.AsSpan(KvpLayout.AdapterId), KvpLayout.MaxAdapterIdSize);
        m[KvpLayout.AddrFamily] = addrFamily;
        return Send(m);
    }

    public Task<KvpReply> SetIpInfoAsync(KvpIpInfo info)
    {
        byte[] m = NewMessage(KvpOp.SetIpInfo, 0);
        KernelStrings.WriteUtf8(info.AdapterId, m.AsSpan(KvpLayout.AdapterId), KvpLayout.MaxAdapterIdSize);
        m[KvpLayout.AddrFamily] = info.AddrFamily;
        m[KvpLayout.DhcpEnabled] = info.DhcpEnabled ? (byte)1 : (byte)0;
        KernelStrings.WriteUtf8(info.IpAddresses, m.AsSpan(KvpLayout.IpAddr), KvpLayout.MaxIpAddrSize);
        KernelStrings.WriteUtf8(info.SubNets, m.AsSpan(KvpLayout.SubNet), KvpLayout.MaxIpAddrSize);
        KernelStrings.WriteUtf8(info.Gateways, m.AsSpan(KvpLayout.GateWay), KvpLayout.MaxGatewaySize);
        KernelStrings.WriteUtf8(info.DnsServers, m.AsSpan(KvpLayout.DnsAddr), KvpLayout.MaxIpAddrSize);
        return Send(m);
    }

    /// <summary>
    /// Any 7432-byte message, as is: for requests the kernel would never build (unknown
    /// operations or pools, sizes that lie, no NUL, invalid UTF-8). The reply is decoded by
    /// the message's operation byte, as the kernel would.
    /// </summary>
    public Task<KvpReply> SendRawAsync(byte[] message) => Send(message);
    public KvpReply SendRaw(byte[] message, TimeSpan? wait = null) => HostCall.Wait(SendRawAsync(message), wait, NoAnswer);

    /// <summary>A zeroed message with operation and pool set, to fill in for <see cref="SendRaw"/>.</summary>
    public static byte[] NewRawMessage(byte op, byte pool) => NewMessage(op, pool);

    // Synchronous forms: wait up to `wait` (default HostCall.DefaultWait) for the answer.
    public KvpReply Set(byte pool, string key, string value, TimeSpan? wait = null) => HostCall.Wait(SetAsync(pool, key, value), wait, NoAnswer);
    public KvpReply SetU32(byte pool, string key, uint value, TimeSpan? wait = null) => HostCall.Wait(SetU32Async(pool, key, value), wait, NoAnswer);
    public KvpReply SetU64(byte pool, string key, ulong value, TimeSpan? wait = null) => HostCall.Wait(SetU64Async(pool, key, value), wait, NoAnswer);
    public KvpReply Get(byte pool, string key, TimeSpan? wait = null) => HostCall.Wait(GetAsync(pool, key), wait, NoAnswer);
    public KvpReply Delete(byte pool, string key, TimeSpan? wait = null) => HostCall.Wait(DeleteAsync(pool, key), wait, NoAnswer);
    public KvpReply Enumerate(byte pool, uint index, TimeSpan? wait = null) => HostCall.Wait(EnumerateAsync(pool, index), wait, NoAnswer);
    public KvpReply GetIpInfo(string adapterId, TimeSpan? wait = null) => HostCall.Wait(GetIpInfoAsync(adapterId), wait, NoAnswer);
    public KvpReply SetIpInfo(KvpIpInfo info, TimeSpan? wait = null) => HostCall.Wait(SetIpInfoAsync(info), wait, NoAnswer);

    static readonly KvpReply NoAnswer = new(HostOutcome.NoAnswer, HvStatus.E_FAIL, null);

    static byte[] NewMessage(byte op, byte pool)
    {
        byte[] m = new byte[KvpLayout.MessageSize];
        m[KvpLayout.Operation] = op;
        m[KvpLayout.Pool] = pool;
        return m;
    }

    async Task<KvpReply> Send(byte[] message)
    {
        byte op = message[KvpLayout.Operation];
        DeviceAnswer a = await kernel.Submit(message).ConfigureAwait(false);
        return Decode(op, a);
    }

    /// <summary>kvp_respond_to_host: what the host gets from the daemon's reply.</summary>
    public static KvpReply Decode(byte op, DeviceAnswer a)
    {
        if (a.Source != AnswerSource.Daemon || a.Reply is null || a.Status != HvStatus.S_OK)
            return new KvpReply(HostOutcome.Answered, a.Status, a.Source);
        ReadOnlySpan<byte> r = a.Reply;
        var fail = new KvpReply(HostOutcome.Answered, HvStatus.E_FAIL, a.Source);
        switch (op)
        {
            case KvpOp.Get:
                // The kernel reads GET's value at the ENUMERATE layout's offset.
                if (!KernelStrings.TryReadUtf8(r[KvpLayout.EnumValue..], MaxValueUnits, out string gv)) return fail;
                return new KvpReply(HostOutcome.Answered, a.Status, a.Source, Value: gv);
            case KvpOp.Enumerate:
                if (!KernelStrings.TryReadUtf8(r.Slice(KvpLayout.EnumKey, KvpLayout.MaxKeySize), MaxKeyUnits, out string ek)) return fail;
                if (!KernelStrings.TryReadUtf8(r[KvpLayout.EnumValue..], MaxValueUnits, out string ev)) return fail;
                return new KvpReply(HostOutcome.Answered, a.Status, a.Source, ek, ev);
            case KvpOp.GetIpInfo:
                if (!KernelStrings.TryReadUtf8(r.Slice(KvpLayout.AdapterId, KvpLayout.AdapterIdLength), KvpLayout.MaxAdapterIdSize, out string id)
                    || !KernelStrings.TryReadUtf8(r.Slice(KvpLayout.IpAddr, KvpLayout.IpAddrLength), KvpLayout.MaxIpAddrSize, out string ip)
                    || !KernelStrings.TryReadUtf8(r.Slice(KvpLayout.SubNet, KvpLayout.SubNetLength), KvpLayout.MaxIpAddrSize, out string sn)
                    || !KernelStrings.TryReadUtf8(r.Slice(KvpLayout.GateWay, KvpLayout.GateWayLength), KvpLayout.MaxGatewaySize, out string gw)
                    || !KernelStrings.TryReadUtf8(r.Slice(KvpLayout.DnsAddr, KvpLayout.DnsAddrLength), KvpLayout.MaxIpAddrSize, out string dns))
                    return fail;
                var info = new KvpIpInfo(id, r[KvpLayout.AddrFamily], r[KvpLayout.DhcpEnabled] != 0, ip, sn, gw, dns);
                return new KvpReply(HostOutcome.Answered, a.Status, a.Source, IpInfo: info);
            default:
                return new KvpReply(HostOutcome.Answered, a.Status, a.Source);
        }
    }
}
