namespace HvDaemons.Wire;

/// <summary>Byte layout of <c>struct hv_vss_msg</c> (12 bytes).</summary>
public static class VssLayout
{
    public const int Operation = 0;
    public const int Reserved = 1;
    public const int ReservedLength = 7;
    public const int Error = 0;        // union with the header, daemon -> kernel
    public const int Flags = Reserved + ReservedLength;  // vss_cf.flags / dm_info.flags
    public const int MessageSize = Flags + 4;
    /// <summary>The kernel answers VSS_OP_REGISTER1 with a bare u32.</summary>
    public const int RegistrationReplySize = 4;
}

/// <summary>hv_vss_op and registration values.</summary>
public static class VssOp
{
    public const byte Create = 0;
    public const byte Delete = 1;
    public const byte HotBackup = 2;
    public const byte GetDmInfo = 3;
    public const byte BuComplete = 4;
    public const byte Freeze = 5;
    public const byte Thaw = 6;
    public const byte AutoRecover = 7;
    public const byte Count = 8;
    public const byte Register = 128;
    public const byte Register1 = 129;
    public const uint HbuNoAutoRecovery = 0x00000005;

    public static string Name(byte op) => op switch
    {
        Create => "CREATE",
        Delete => "DELETE",
        HotBackup => "HOT_BACKUP",
        GetDmInfo => "GET_DM_INFO",
        BuComplete => "BU_COMPLETE",
        Freeze => "FREEZE",
        Thaw => "THAW",
        AutoRecover => "AUTO_RECOVER",
        _ => "op " + op,
    };
}
