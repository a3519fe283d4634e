using System;
using System.Text;

namespace HvDaemons.Os;

/// <summary>inet_ntop(3) and inet_pton(3): libc's own address text, byte for byte.</summary>
internal static unsafe class InetText
{
    /// <summary>The longest address text plus its NUL (INET6_ADDRSTRLEN).</summary>
    public const int MaxLength = Interop.INET6_ADDRSTRLEN;

    /// <returns>The text of a 4- or 16-byte address, or "" when libc refuses it.</returns>
    public static string Format(bool v6, ReadOnlySpan<byte> address)
    {
        byte* text = stackalloc byte[MaxLength];
        fixed (byte* a = address)
        {
            if (Interop.inet_ntop(v6 ? Interop.AF_INET6 : Interop.AF_INET, a, text, MaxLength) == null)
                return "";
        }
        return Encoding.ASCII.GetString(NativeString.UntilNul(new ReadOnlySpan<byte>(text, MaxLength)));
    }

    /// <summary>Parses ASCII address text shorter than <see cref="MaxLength"/> into <paramref name="address"/>.</summary>
    public static bool TryParse(ReadOnlySpan<char> s, bool v6, Span<byte> address)
    {
        if (s.Length == 0 || s.Length >= MaxLength || address.Length < (v6 ? 16 : 4)) return false;
        Span<byte> z = stackalloc byte[MaxLength];
        if (Encoding.ASCII.GetBytes(s, z) != s.Length) return false;
        z[s.Length] = 0;
        fixed (byte* p = z)
        fixed (byte* a = address)
            return Interop.inet_pton(v6 ? Interop.AF_INET6 : Interop.AF_INET, p, a) == 1;
    }
}
