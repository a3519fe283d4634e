using System;
using System.Text;

namespace HvDaemons.Os;

/// <summary>NUL-terminated UTF-8 copies of managed strings for system calls.</summary>
public static class NativeString
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
}
