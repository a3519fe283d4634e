using System;
using System.Text;

namespace HvDaemons.HostSim.Host;

/// <summary>
/// The kernel's string conversions between the host's UTF-16 and the daemon's UTF-8
/// (utf16s_to_utf8s / utf8s_to_utf16s): truncation to a byte or unit limit, and failure on
/// a daemon string that is not valid UTF-8.
/// </summary>
internal static class KernelStrings
{
    static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    /// <summary>Writes <paramref name="text"/> as UTF-8 into <paramref name="field"/>, cut at
    /// <paramref name="maxBytes"/> without splitting a character; returns the bytes written.</summary>
    public static int WriteUtf8(string text, Span<byte> field, int maxBytes)
    {
        int written = 0;
        Span<byte> one = stackalloc byte[4];
        foreach (Rune rune in text.EnumerateRunes())
        {
            int n = rune.EncodeToUtf8(one);
            if (written + n > maxBytes) break;
            one[..n].CopyTo(field[written..]);
            written += n;
        }
        return written;
    }

    /// <summary>Reads a NUL-terminated UTF-8 field from the daemon and converts it the way the
    /// kernel does; false if the bytes are not valid UTF-8 (the host then gets HV_E_FAIL).</summary>
    public static bool TryReadUtf8(ReadOnlySpan<byte> field, int maxUnits, out string text)
    {
        int nul = field.IndexOf((byte)0);
        ReadOnlySpan<byte> bytes = nul >= 0 ? field[..nul] : field;
        try
        {
            text = Strict.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            text = "";
            return false;
        }
        if (text.Length > maxUnits)
        {
            int cut = maxUnits;
            if (char.IsHighSurrogate(text[cut - 1])) cut--;
            text = text[..cut];
        }
        return true;
    }
}
