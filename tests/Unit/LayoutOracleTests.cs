using System.Collections.Generic;
using System.Text;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests;

/// <summary>
/// Every size, offset and constant lib uses for the wire, checked by gcc against
/// /usr/include/linux/hyperv.h with _Static_assert. Our constants are the claims; the
/// header decides. Changing any offset in lib by one byte fails these tests.
/// </summary>
public class LayoutOracleTests
{
    static void AssertAll(IEnumerable<(string CExpr, long Ours)> checks)
    {
        var src = new StringBuilder();
        src.AppendLine("#include <stddef.h>");
        src.AppendLine("#include <linux/types.h>");
        src.AppendLine("#include <linux/hyperv.h>");
        src.AppendLine("#include <linux/fs.h>");
        int n = 0;
        foreach (var (expr, ours) in checks)
        {
            src.AppendLine($"_Static_assert((long long)({expr}) == {ours}LL, \"{expr.Replace("\"", "'")} != {ours}\");");
            n++;
        }
        Assert.True(n > 0);
        var (code, output) = CProgram.Compile(src.ToString());
        Assert.True(code == 0, "uapi header disagrees with lib:\n" + output);
    }

    static string Off(string type, string member) => $"offsetof(struct {type}, {member})";

    [Fact]
    public void KvpMessageMatchesHeader()
    {
        const string M = "hv_kvp_msg";
        AssertAll(new (string, long)[]
        {
            ("sizeof(struct hv_kvp_msg)", KvpLayout.MessageSize),
            (Off(M, "kvp_hdr.operation"), KvpLayout.Operation),
            (Off(M, "kvp_hdr.pool"), KvpLayout.Pool),
            (Off(M, "error"), KvpLayout.Error),
            (Off(M, "body"), KvpLayout.Body),
            (Off(M, "body.kvp_set.data.value_type"), KvpLayout.ValueType),
            (Off(M, "body.kvp_set.data.key_size"), KvpLayout.KeySize),
            (Off(M, "body.kvp_set.data.value_size"), KvpLayout.ValueSize),
            (Off(M, "body.kvp_set.data.key"), KvpLayout.Key),
            (Off(M, "body.kvp_set.data.value"), KvpLayout.Value),
            (Off(M, "body.kvp_get.data.key"), KvpLayout.Key),
            (Off(M, "body.kvp_get.data.value"), KvpLayout.Value),
            (Off(M, "body.kvp_get.data.value_u32"), KvpLayout.Value),
            (Off(M, "body.kvp_delete.key_size"), KvpLayout.DeleteKeySize),
            (Off(M, "body.kvp_delete.key"), KvpLayout.DeleteKey),
            (Off(M, "body.kvp_enum_data.index"), KvpLayout.EnumIndex),
            (Off(M, "body.kvp_enum_data.data.value_type"), KvpLayout.EnumValueType),
            (Off(M, "body.kvp_enum_data.data.key_size"), KvpLayout.EnumKeySize),
            (Off(M, "body.kvp_enum_data.data.value_size"), KvpLayout.EnumValueSize),
            (Off(M, "body.kvp_enum_data.data.key"), KvpLayout.EnumKey),
            (Off(M, "body.kvp_enum_data.data.value"), KvpLayout.EnumValue),
            (Off(M, "body.kvp_ip_val.adapter_id"), KvpLayout.AdapterId),
            ("sizeof(((struct hv_kvp_ipaddr_value*)0)->adapter_id)", KvpLayout.AdapterIdLength),
            (Off(M, "body.kvp_ip_val.addr_family"), KvpLayout.AddrFamily),
            (Off(M, "body.kvp_ip_val.dhcp_enabled"), KvpLayout.DhcpEnabled),
            (Off(M, "body.kvp_ip_val.ip_addr"), KvpLayout.IpAddr),
            ("sizeof(((struct hv_kvp_ipaddr_value*)0)->ip_addr)", KvpLayout.IpAddrLength),
            (Off(M, "body.kvp_ip_val.sub_net"), KvpLayout.SubNet),
            ("sizeof(((struct hv_kvp_ipaddr_value*)0)->sub_net)", KvpLayout.SubNetLength),
            (Off(M, "body.kvp_ip_val.gate_way"), KvpLayout.GateWay),
            ("sizeof(((struct hv_kvp_ipaddr_value*)0)->gate_way)", KvpLayout.GateWayLength),
            (Off(M, "body.kvp_ip_val.dns_addr"), KvpLayout.DnsAddr),
            ("sizeof(((struct hv_kvp_ipaddr_value*)0)->dns_addr)", KvpLayout.DnsAddrLength),
            ("offsetof(struct hv_kvp_msg, body.kvp_ip_val) + sizeof(struct hv_kvp_ipaddr_value)", KvpLayout.IpValueEnd),
            (Off(M, "body.kvp_register.version"), KvpLayout.RegisterVersion),
            ("sizeof(struct hv_kvp_register)", KvpLayout.RegisterVersionLength),
        });
    }

    [Fact]
    public void KvpConstantsMatchHeader()
    {
        AssertAll(new (string, long)[]
        {
            ("HV_KVP_EXCHANGE_MAX_KEY_SIZE", KvpLayout.MaxKeySize),
            ("HV_KVP_EXCHANGE_MAX_VALUE_SIZE", KvpLayout.MaxValueSize),
            ("MAX_ADAPTER_ID_SIZE", KvpLayout.MaxAdapterIdSize),
            ("MAX_IP_ADDR_SIZE", KvpLayout.MaxIpAddrSize),
            ("MAX_GATEWAY_SIZE", KvpLayout.MaxGatewaySize),
            ("HV_KVP_EXCHANGE_MAX_KEY_SIZE + HV_KVP_EXCHANGE_MAX_VALUE_SIZE", KvpLayout.PoolRecordSize),
            ("HV_KVP_EXCHANGE_MAX_KEY_SIZE", KvpLayout.PoolRecordValue),
            ("KVP_OP_GET", KvpOp.Get), ("KVP_OP_SET", KvpOp.Set), ("KVP_OP_DELETE", KvpOp.Delete),
            ("KVP_OP_ENUMERATE", KvpOp.Enumerate), ("KVP_OP_GET_IP_INFO", KvpOp.GetIpInfo),
            ("KVP_OP_SET_IP_INFO", KvpOp.SetIpInfo), ("KVP_OP_COUNT", KvpOp.Count),
            ("KVP_OP_REGISTER", KvpOp.Register), ("KVP_OP_REGISTER1", KvpOp.Register1),
            ("KVP_POOL_EXTERNAL", KvpPoolId.External), ("KVP_POOL_GUEST", KvpPoolId.Guest),
            ("KVP_POOL_AUTO", KvpPoolId.Auto), ("KVP_POOL_AUTO_EXTERNAL", KvpPoolId.AutoExternal),
            ("KVP_POOL_AUTO_INTERNAL", KvpPoolId.AutoInternal), ("KVP_POOL_COUNT", KvpPoolId.Count),
            ("REG_SZ", KvpValueType.RegSz), ("REG_U32", KvpValueType.RegU32), ("REG_U64", KvpValueType.RegU64),
            ("ADDR_FAMILY_NONE", AddrFamily.None), ("ADDR_FAMILY_IPV4", AddrFamily.IPv4), ("ADDR_FAMILY_IPV6", AddrFamily.IPv6),
        });
    }

    [Fact]
    public void StatusCodesMatchHeader()
    {
        AssertAll(new (string, long)[]
        {
            ("HV_S_OK", HvStatus.S_OK), ("HV_E_FAIL", HvStatus.E_FAIL), ("HV_S_CONT", HvStatus.S_CONT),
            ("HV_INVALIDARG", HvStatus.INVALIDARG), ("HV_GUID_NOTFOUND", HvStatus.GUID_NOTFOUND),
            ("HV_ERROR_ALREADY_EXISTS", HvStatus.ERROR_ALREADY_EXISTS), ("HV_ERROR_DISK_FULL", HvStatus.ERROR_DISK_FULL),
        });
    }

    [Fact]
    public void VssMessageMatchesHeader()
    {
        const string M = "hv_vss_msg";
        AssertAll(new (string, long)[]
        {
            ("sizeof(struct hv_vss_msg)", VssLayout.MessageSize),
            (Off(M, "vss_hdr.operation"), VssLayout.Operation),
            (Off(M, "vss_hdr.reserved"), VssLayout.Reserved),
            ("sizeof(((struct hv_vss_hdr*)0)->reserved)", VssLayout.ReservedLength),
            (Off(M, "error"), VssLayout.Error),
            (Off(M, "vss_cf.flags"), VssLayout.Flags),
            (Off(M, "dm_info.flags"), VssLayout.Flags),
            ("VSS_OP_REGISTER", VssOp.Register), ("VSS_OP_REGISTER1", VssOp.Register1),
            ("VSS_OP_CREATE", VssOp.Create), ("VSS_OP_DELETE", VssOp.Delete), ("VSS_OP_HOT_BACKUP", VssOp.HotBackup),
            ("VSS_OP_GET_DM_INFO", VssOp.GetDmInfo), ("VSS_OP_BU_COMPLETE", VssOp.BuComplete),
            ("VSS_OP_FREEZE", VssOp.Freeze), ("VSS_OP_THAW", VssOp.Thaw), ("VSS_OP_AUTO_RECOVER", VssOp.AutoRecover),
            ("VSS_OP_COUNT", VssOp.Count), ("VSS_HBU_NO_AUTO_RECOVERY", VssOp.HbuNoAutoRecovery),
        });
    }

    [Fact]
    public void FreezeIoctlsMatchHeader()
    {
        AssertAll(new (string, long)[]
        {
            ("FIFREEZE", HvDaemons.Os.FsFreeze.FIFREEZE),
            ("FITHAW", HvDaemons.Os.FsFreeze.FITHAW),
        });
    }

    [Fact]
    public void FcopyMessagesMatchHeader()
    {
        AssertAll(new (string, long)[]
        {
            ("sizeof(struct hv_fcopy_hdr)", FcopyLayout.HeaderSize),
            (Off("hv_fcopy_hdr", "operation"), FcopyLayout.Operation),
            (Off("hv_fcopy_hdr", "service_id0"), FcopyLayout.ServiceId0),
            (Off("hv_fcopy_hdr", "service_id1"), FcopyLayout.ServiceId1),
            ("sizeof(struct hv_start_fcopy)", FcopyLayout.StartSize),
            (Off("hv_start_fcopy", "file_name"), FcopyLayout.FileName),
            ("sizeof(((struct hv_start_fcopy*)0)->file_name)", FcopyLayout.NameFieldLength),
            (Off("hv_start_fcopy", "path_name"), FcopyLayout.PathName),
            (Off("hv_start_fcopy", "copy_flags"), FcopyLayout.CopyFlags),
            (Off("hv_start_fcopy", "file_size"), FcopyLayout.FileSize),
            ("sizeof(struct hv_do_fcopy)", FcopyLayout.WriteMessageSize),
            (Off("hv_do_fcopy", "pad"), FcopyLayout.WritePad),
            (Off("hv_do_fcopy", "offset"), FcopyLayout.WriteOffset),
            (Off("hv_do_fcopy", "size"), FcopyLayout.WriteSize),
            (Off("hv_do_fcopy", "data"), FcopyLayout.WriteData),
            ("W_MAX_PATH", FcopyLayout.MaxPath), ("DATA_FRAGMENT", FcopyLayout.DataFragment),
            ("START_FILE_COPY", FcopyOp.StartFileCopy), ("WRITE_TO_FILE", FcopyOp.WriteToFile),
            ("COMPLETE_FCOPY", FcopyOp.CompleteFcopy), ("CANCEL_FCOPY", FcopyOp.CancelFcopy),
            ("OVER_WRITE", FcopyOp.OverWrite), ("CREATE_PATH", FcopyOp.CreatePath),
            ("FCOPY_VERSION_0", FcopyOp.Version0), ("FCOPY_VERSION_1", FcopyOp.Version1),
            ("FCOPY_CURRENT_VERSION", FcopyOp.CurrentVersion),
        });
    }

    [Fact]
    public void TheOracleRejectsAWrongOffset()
    {
        // Guards the guard: a deliberately wrong claim must fail to compile.
        var (code, _) = CProgram.Compile("#include <stddef.h>\n#include <linux/hyperv.h>\n" +
            "_Static_assert(offsetof(struct hv_kvp_msg, body.kvp_enum_data.data.value) == 533, \"x\");\n");
        Assert.NotEqual(0, code);
    }
}
