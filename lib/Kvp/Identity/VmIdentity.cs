using System;
using System.IO;

namespace HvDaemons.Kvp.Identity;

/// <summary>
/// This VM's identity as the firmware reports it: DMI's product_uuid, the VM's BIOS GUID.
/// A Gen1 VM (BIOS, SMBIOS 2.3) stores the GUID's first three fields little-endian and Linux
/// prints the bytes as stored, so its text differs from the same GUID on a Gen2 VM (UEFI,
/// SMBIOS 3, printed in GUID order). We normalise Gen1's to GUID order: one notation for both,
/// which is what the record beside the pools holds (docs/kvp.md, "Stale host data").
/// </summary>
internal static class VmIdentity
{
    /// <summary>The identity as lower-case GUID text, or null with the reason.</summary>
    public static string? Read(string sysfs, out string? problem)
    {
        string path = Path.Combine(sysfs, "class/dmi/id/product_uuid");
        string text;
        try { text = File.ReadAllText(path).Trim(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            problem = path + ": " + e.Message;
            return null;
        }
        bool gen1 = !Directory.Exists(Path.Combine(sysfs, "firmware/efi"));
        string? id = Normalise(text, gen1);
        problem = id is null ? $"{path}: \"{text}\" is not a UUID" : null;
        return id;
    }

    /// <summary>"xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in GUID order; Gen1's first three fields byte-swapped.</summary>
    internal static string? Normalise(string text, bool gen1)
    {
        if (text.Length != 36 || text[8] != '-' || text[13] != '-' || text[18] != '-' || text[23] != '-') return null;
        byte[] b;
        try { b = Convert.FromHexString(text.Replace("-", "", StringComparison.Ordinal)); }
        catch (FormatException) { return null; }
        if (b.Length != 16) return null;
        if (gen1)
        {
            Array.Reverse(b, 0, 4);
            Array.Reverse(b, 4, 2);
            Array.Reverse(b, 6, 2);
        }
        string hex = Convert.ToHexStringLower(b);
        return $"{hex[..8]}-{hex[8..12]}-{hex[12..16]}-{hex[16..20]}-{hex[20..]}";
    }
}
