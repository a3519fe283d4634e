namespace HvDaemons.Wire;

/// <summary>
/// Byte layout of <c>struct hv_kvp_msg</c> (7432 bytes). Offsets are derived from field
/// lengths so the table cannot drift; the unit tests check every one against the uapi header.
/// </summary>
public static class KvpLayout
{
    public const int MaxKeySize = 512;      // HV_KVP_EXCHANGE_MAX_KEY_SIZE, bytes incl. NUL
    public const int MaxValueSize = 2048;   // HV_KVP_EXCHANGE_MAX_VALUE_SIZE
    public const int MaxAdapterIdSize = 128; // u16 units
    public const int MaxIpAddrSize = 1024;   // u16 units
    public const int MaxGatewaySize = 512;   // u16 units

    // Header union: operation/pool towards the daemon, a 32-bit error towards the kernel.
    public const int Operation = 0;
    public const int Pool = 1;
    public const int Error = 0;
    public const int Body = 4;

    // hv_kvp_exchg_msg_value as used by GET and SET (body starts with it).
    public const int ValueType = Body;
    public const int KeySize = ValueType + 4;
    public const int ValueSize = KeySize + 4;
    public const int Key = ValueSize + 4;
    public const int Value = Key + MaxKeySize;

    // DELETE: key_size then key.
    public const int DeleteKeySize = Body;
    public const int DeleteKey = DeleteKeySize + 4;

    // ENUMERATE: index, then an hv_kvp_exchg_msg_value shifted by 4.
    public const int EnumIndex = Body;
    public const int EnumValueType = EnumIndex + 4;
    public const int EnumKeySize = EnumValueType + 4;
    public const int EnumValueSize = EnumKeySize + 4;
    public const int EnumKey = EnumValueSize + 4;
    public const int EnumValue = EnumKey + MaxKeySize;

    // GET_IP_INFO / SET_IP_INFO: hv_kvp_ipaddr_value (byte arrays sized in u16 units).
    public const int AdapterId = Body;
    public const int AdapterIdLength = MaxAdapterIdSize * 2;
    public const int AddrFamily = AdapterId + AdapterIdLength;
    public const int DhcpEnabled = AddrFamily + 1;
    public const int IpAddr = DhcpEnabled + 1;
    public const int IpAddrLength = MaxIpAddrSize * 2;
    public const int SubNet = IpAddr + IpAddrLength;
    public const int SubNetLength = MaxIpAddrSize * 2;
    public const int GateWay = SubNet + SubNetLength;
    public const int GateWayLength = MaxGatewaySize * 2;
    public const int DnsAddr = GateWay + GateWayLength;
    public const int DnsAddrLength = MaxIpAddrSize * 2;
    public const int IpValueEnd = DnsAddr + DnsAddrLength;

    // REGISTER: the kernel's version string.
    public const int RegisterVersion = Body;
    public const int RegisterVersionLength = 512;

    // One record of a pool file (/var/lib/hyperv/.kvp_pool_N): key field then value field,
    // each a NUL-terminated string, no header, no padding.
    public const int PoolRecordKey = 0;
    public const int PoolRecordValue = PoolRecordKey + MaxKeySize;
    public const int PoolRecordSize = PoolRecordValue + MaxValueSize;

    /// <summary>sizeof(struct hv_kvp_msg): the body union is padded to a 4-byte multiple.</summary>
    public const int MessageSize = 7432;
}

/// <summary>hv_kvp_exchg_op and the registration values.</summary>
public static class KvpOp
{
    public const byte Get = 0;
    public const byte Set = 1;
    public const byte Delete = 2;
    public const byte Enumerate = 3;
    public const byte GetIpInfo = 4;
    public const byte SetIpInfo = 5;
    public const byte Count = 6;
    public const byte Register = 4;    // legacy, collides with GetIpInfo
    public const byte Register1 = 100;

    public static string Name(byte op) => op switch
    {
        Get => "GET",
        Set => "SET",
        Delete => "DELETE",
        Enumerate => "ENUMERATE",
        GetIpInfo => "GET_IP_INFO",
        SetIpInfo => "SET_IP_INFO",
        Register1 => "REGISTER1",
        _ => "op " + op,
    };
}

/// <summary>hv_kvp_exchg_pool.</summary>
public static class KvpPoolId
{
    public const byte External = 0;
    public const byte Guest = 1;
    public const byte Auto = 2;
    public const byte AutoExternal = 3;
    public const byte AutoInternal = 4;
    public const byte Count = 5;
}

/// <summary>Registry value types carried in value_type.</summary>
public static class KvpValueType
{
    public const uint RegSz = 1;
    public const uint RegU32 = 4;
    public const uint RegU64 = 8;
}

/// <summary>addr_family bits in hv_kvp_ipaddr_value.</summary>
public static class AddrFamily
{
    public const byte None = 0;
    public const byte IPv4 = 1;
    public const byte IPv6 = 2;
}
