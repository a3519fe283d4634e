using System.Text;
using HvDaemons.Wire;

namespace HvDaemons.Kvp.Client;

/// <summary>
/// What a guest may store so that the kernel can still carry it to the host: a record field
/// holds a UTF-8 string and its NUL (512 bytes for a key, 2048 for a value). The host's own
/// limits are counted in UTF-16 units after the kernel's conversion (254 for a key, 1022 for
/// a value, see docs/protocol.md): past them the host sees a truncated string, so we warn.
/// </summary>
public static class RecordLimits
{
    public const int MaxKeyBytes = KvpLayout.MaxKeySize - 1;
    public const int MaxValueBytes = KvpLayout.MaxValueSize - 1;
    public const int HostKeyUnits = 254;
    public const int HostValueUnits = 1022;

    /// <summary>Null when <paramref name="key"/> and <paramref name="value"/> fit a record; else why not.</summary>
    public static string? Check(string key, string? value)
    {
        if (key.Length == 0) return "the key is empty";
        if (key.Contains('\0')) return "the key contains a NUL character";
        int k = Encoding.UTF8.GetByteCount(key);
        if (k > MaxKeyBytes) return $"the key is {k} bytes in UTF-8; a record holds at most {MaxKeyBytes}";
        if (value is null) return null;
        if (value.Contains('\0')) return "the value contains a NUL character";
        int v = Encoding.UTF8.GetByteCount(value);
        if (v > MaxValueBytes) return $"the value is {v} bytes in UTF-8; a record holds at most {MaxValueBytes}";
        return null;
    }

    /// <summary>Null, or a warning that the host will see only part of the string.</summary>
    public static string? HostWarning(string key, string? value)
    {
        if (key.Length > HostKeyUnits)
            return $"the key has {key.Length} UTF-16 units; the host reads at most {HostKeyUnits}";
        if (value is not null && value.Length > HostValueUnits)
            return $"the value has {value.Length} UTF-16 units; the host reads at most {HostValueUnits}";
        return null;
    }
}
