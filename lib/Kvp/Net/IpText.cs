using System;
using System.Text;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// Address text exactly as libc reads and writes it (inet_pton / inet_ntop), which is what
/// upstream uses: strict parsing (no scope ids, no spaces, no shorthand like "10.1"), so a
/// string that passes cannot carry anything but hex digits, dots and colons.
/// </summary>
internal static class IpText
{
    public static string Format(bool v6, ReadOnlySpan<byte> address) => InetText.Format(v6, address);

    public static bool IsIPv4(string s) => TryParse(s, false, stackalloc byte[16]);

    public static bool IsIPv6(string s) => TryParse(s, true, stackalloc byte[16]);

    public static bool TryParse(string s, bool v6, Span<byte> address)
    {
        foreach (char c in s)
            if (!(char.IsAsciiHexDigit(c) || c == '.' || c == ':')) return false;
        return InetText.TryParse(s, v6, address);
    }

    /// <summary>Upstream's ifcfg IPv6 form: eight groups of four lower-case hex digits.</summary>
    public static string ExpandIPv6(string s)
    {
        Span<byte> a = stackalloc byte[16];
        if (!TryParse(s, true, a)) return s;
        var sb = new StringBuilder(39);
        for (int i = 0; i < 16; i += 2)
        {
            if (i > 0) sb.Append(':');
            sb.Append(a[i].ToString("x2")).Append(a[i + 1].ToString("x2"));
        }
        return sb.ToString();
    }

    /// <summary>Leading one bits of a dotted IPv4 mask (upstream's prefix length), or -1 if unparsable.</summary>
    public static int Ipv4MaskLength(string mask)
    {
        Span<byte> a = stackalloc byte[16];
        if (!TryParse(mask, false, a)) return -1;
        uint m = (uint)(a[0] << 24 | a[1] << 16 | a[2] << 8 | a[3]);
        int n = 0;
        while ((m & 0x80000000) != 0) { n++; m <<= 1; }
        return n;
    }
}
