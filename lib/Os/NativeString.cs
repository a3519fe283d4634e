using System;
using System.Text;

namespace HvDaemons.Os;

/// <summary>NUL-terminated UTF-8 strings to and from system calls: the one C-string reader.</summary>
public static unsafe class NativeString
{
    /// <summary>Encodes <paramref name="s"/> plus a NUL; the array is what the call pins.</summary>
    public static byte[] Utf8z(string s)
    {
        var bytes = new byte[Encoding.UTF8.GetByteCount(s) + 1];
        Encoding.UTF8.GetBytes(s, bytes);
        return bytes;
    }

    /// <summary>The string before the first NUL of <paramref name="field"/> (the whole field if none).</summary>
    public static ReadOnlySpan<byte> UntilNul(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        return nul < 0 ? field : field[..nul];
    }

    /// <summary>A C string libc owns, decoded as UTF-8 ("" for null).</summary>
    public static string FromNul(byte* s)
    {
        if (s == null) return "";
        int n = 0;
        while (s[n] != 0) n++;
        return Encoding.UTF8.GetString(s, n);
    }
}
