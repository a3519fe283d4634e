using System;
using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using System.Text.Unicode;
using HvDaemons.Wire;

namespace HvDaemons.Fcopy;

/// <summary>How the transport hands over the START message's name fields (docs/protocol.md §3.5).</summary>
public enum NameEncoding
{
    /// <summary>Char device: the kernel already converted the host's UTF-16 to NUL-terminated UTF-8.</summary>
    Utf8,
    /// <summary>uio ring: the host's raw NUL-terminated UTF-16LE.</summary>
    Utf16Le,
}

/// <summary>Why a name field was refused.</summary>
public enum NameError
{
    None,
    /// <summary>No NUL inside the field: the name does not fit.</summary>
    NotTerminated,
    /// <summary>Not well-formed UTF-8 (overlong, truncated, surrogate code point...).</summary>
    InvalidUtf8,
    /// <summary>A lone or reversed surrogate.</summary>
    InvalidUtf16,
}

/// <summary>
/// Strict decoding of file_name/path_name. Nothing is replaced or truncated: a name that is
/// not exactly representable is refused, so we never create a file under a garbled name
/// (upstream's uio daemon turned every non-ASCII unit into 'X').
/// </summary>
public static class FcopyNames
{
    public static NameError Decode(ReadOnlySpan<byte> field, NameEncoding encoding, out string name)
        => encoding == NameEncoding.Utf8 ? DecodeUtf8(field, out name) : DecodeUtf16Le(field, out name);

    public static NameError DecodeUtf8(ReadOnlySpan<byte> field, out string name)
    {
        name = "";
        int nul = field.IndexOf((byte)0);
        if (nul < 0) return NameError.NotTerminated;
        ReadOnlySpan<byte> bytes = field[..nul];
        // Every UTF-8 sequence yields at most as many UTF-16 units as it has bytes.
        Span<char> chars = bytes.Length <= 1024 ? stackalloc char[bytes.Length] : new char[bytes.Length];
        OperationStatus s = Utf8.ToUtf16(bytes, chars, out int read, out int written, replaceInvalidSequences: false);
        if (s != OperationStatus.Done || read != bytes.Length) return NameError.InvalidUtf8;
        name = new string(chars[..written]);
        return NameError.None;
    }

    public static NameError DecodeUtf16Le(ReadOnlySpan<byte> field, out string name)
    {
        name = "";
        int units = field.Length / 2;
        Span<char> chars = units <= 1024 ? stackalloc char[units] : new char[units];
        int length = -1;
        for (int i = 0; i < units; i++)
        {
            char c = (char)BinaryPrimitives.ReadUInt16LittleEndian(field.Slice(i * 2, 2));
            if (c == '\0') { length = i; break; }
            chars[i] = c;
        }
        if (length < 0) return NameError.NotTerminated;
        if (!IsWellFormed(chars[..length])) return NameError.InvalidUtf16;
        name = new string(chars[..length]);
        return NameError.None;
    }

    /// <summary>True if every high surrogate is directly followed by a low one and no low
    /// surrogate stands alone.</summary>
    public static bool IsWellFormed(ReadOnlySpan<char> units)
    {
        for (int i = 0; i < units.Length; i++)
        {
            char c = units[i];
            if (char.IsHighSurrogate(c))
            {
                if (i + 1 >= units.Length || !char.IsLowSurrogate(units[i + 1])) return false;
                i++;
            }
            else if (char.IsLowSurrogate(c))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Writes <paramref name="name"/> into a name field in the given encoding, NUL-terminated
    /// (for tests and the simulated host). Returns false if it does not fit.</summary>
    public static bool Encode(string name, NameEncoding encoding, Span<byte> field)
    {
        field.Clear();
        if (encoding == NameEncoding.Utf16Le)
        {
            if ((name.Length + 1) * 2 > field.Length) return false;
            for (int i = 0; i < name.Length; i++)
                BinaryPrimitives.WriteUInt16LittleEndian(field[(i * 2)..], name[i]);
            return true;
        }
        if (Encoding.UTF8.GetByteCount(name) + 1 > field.Length) return false;
        Encoding.UTF8.GetBytes(name, field);
        return true;
    }

    /// <summary>Field length of file_name and path_name in hv_start_fcopy.</summary>
    public const int FieldLength = FcopyLayout.NameFieldLength;
}
