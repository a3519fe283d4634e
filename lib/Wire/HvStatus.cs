namespace HvDaemons.Wire;

/// <summary>HRESULT-style status codes the host understands (uapi hyperv.h / hv_utils).</summary>
public static class HvStatus
{
    public const uint S_OK = 0x00000000;
    public const uint E_FAIL = 0x80004005;
    public const uint S_CONT = 0x80070103;
    public const uint INVALIDARG = 0x80070057;
    public const uint GUID_NOTFOUND = 0x80041002;
    public const uint ERROR_ALREADY_EXISTS = 0x80070050;
    public const uint ERROR_DISK_FULL = 0x80070070;

    public static string Name(uint status) => status switch
    {
        S_OK => "HV_S_OK",
        E_FAIL => "HV_E_FAIL",
        S_CONT => "HV_S_CONT",
        INVALIDARG => "HV_INVALIDARG",
        GUID_NOTFOUND => "HV_GUID_NOTFOUND",
        ERROR_ALREADY_EXISTS => "HV_ERROR_ALREADY_EXISTS",
        ERROR_DISK_FULL => "HV_ERROR_DISK_FULL",
        _ => "0x" + status.ToString("X8"),
    };
}
