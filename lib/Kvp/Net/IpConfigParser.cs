using System;
using System.Collections.Generic;
using System.Text;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// Splits and validates the host's ';'-separated lists as upstream splits them (an empty item
/// ends the list, leading spaces are dropped), but accepts nothing except what inet_pton
/// accepts (plus decimal IPv6 prefix lengths as subnets). Anything else, including newlines,
/// quotes, '$', backticks, backslashes, '%' scope ids and bytes hidden after a NUL, is refused
/// before any file is touched.
/// </summary>
internal static class IpConfigParser
{
    public enum ListKind { Address, Subnet, Gateway, Dns }

    /// <returns>The items, or null with <paramref name="problem"/> describing the first bad one.</returns>
    public static List<string>? ParseList(ReadOnlySpan<byte> field, ListKind kind, out string? problem)
    {
        problem = null;
        int nul = field.IndexOf((byte)0);
        if (nul < 0) { problem = "not NUL-terminated"; return null; }
        if (field[(nul + 1)..].IndexOfAnyExcept((byte)0) >= 0) { problem = "has bytes hidden after a NUL"; return null; }
        ReadOnlySpan<byte> text = field[..nul];
        foreach (byte b in text)
        {
            bool ok = b is (byte)';' or (byte)' ' or (byte)'.' or (byte)':'
                      || (b >= '0' && b <= '9') || (b >= 'a' && b <= 'f') || (b >= 'A' && b <= 'F');
            if (!ok) { problem = "contains the character " + Describe(b); return null; }
        }
        var items = new List<string>();
        foreach (string raw in Encoding.ASCII.GetString(text).Split(';'))
        {
            if (raw.Length == 0) break;   // upstream stops at an empty item
            string item = raw.TrimStart(' ');
            if (!Valid(item, kind)) { problem = "has an invalid item \"" + item + "\""; return null; }
            items.Add(item);
        }
        return items;
    }

    static bool Valid(string item, ListKind kind)
    {
        if (IpText.IsIPv4(item) || IpText.IsIPv6(item)) return true;
        return kind == ListKind.Subnet && IsPrefixLength(item);
    }

    public static bool IsPrefixLength(string s)
        => s.Length is > 0 and <= 3 && int.TryParse(s, System.Globalization.NumberStyles.None, null, out int n) && n <= 128;

    /// <summary>Addresses and subnets pair up by position; each pair must be of one family.</summary>
    public static string? CheckPairs(IReadOnlyList<string> addresses, IReadOnlyList<string> subnets)
    {
        for (int k = 0; k < addresses.Count && k < subnets.Count; k++)
        {
            bool v4 = IpText.IsIPv4(addresses[k]);
            bool ok = v4 ? IpText.IsIPv4(subnets[k]) : IsPrefixLength(subnets[k]);
            if (!ok) return $"address {addresses[k]} has the subnet \"{subnets[k]}\" of the wrong form";
        }
        return null;
    }

    /// <summary>Interface names go into file names and files: letters, digits and "-_.@" only.</summary>
    public static bool IsSafeInterfaceName(string name)
    {
        if (name.Length is 0 or > 15 || name is "." or "..") return false;
        foreach (char c in name)
            if (!(char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.' or '@')) return false;
        return true;
    }

    public static bool IsSafeMac(string mac)
    {
        if (mac.Length == 0) return false;
        foreach (char c in mac)
            if (!(char.IsAsciiHexDigitUpper(c) || char.IsAsciiDigit(c) || c == ':')) return false;
        return true;
    }

    static string Describe(byte b) => b is >= 0x20 and < 0x7f ? "'" + (char)b + "'" : "0x" + b.ToString("x2");
}
