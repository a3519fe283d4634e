using System;
using System.Buffers.Binary;
using System.Text.Unicode;
using HvDaemons.Wire;

namespace HvDaemons.Kvp;

/// <summary>
/// Reads the key and value of a request without trusting its size fields: a size must lie in
/// range and agree with where the string's NUL actually is, and the string must be UTF-8 (the
/// kernel only ever sends that). Failures come back as text for one log line.
/// </summary>
internal static class KvpRequest
{
    public static bool TryKey(ReadOnlySpan<byte> msg, int sizeOffset, int keyOffset, out ReadOnlySpan<byte> key, out string? problem)
        => TryString(msg, sizeOffset, keyOffset, KvpLayout.MaxKeySize, "key", out key, out problem);

    public static bool TryValue(ReadOnlySpan<byte> msg, out ReadOnlySpan<byte> value, out string? problem)
        => TryString(msg, KvpLayout.ValueSize, KvpLayout.Value, KvpLayout.MaxValueSize, "value", out value, out problem);

    static bool TryString(ReadOnlySpan<byte> msg, int sizeOffset, int offset, int max, string what,
                          out ReadOnlySpan<byte> text, out string? problem)
    {
        text = default;
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(msg[sizeOffset..]);
        if (size == 0 || size > (uint)max)
        {
            problem = $"{what}_size {size} is outside 1..{max}";
            return false;
        }
        ReadOnlySpan<byte> field = msg.Slice(offset, max);
        int nul = field.IndexOf((byte)0);
        if (nul < 0)
        {
            problem = $"{what} has no terminating NUL";
            return false;
        }
        if (nul != size - 1)
        {
            problem = $"{what}_size {size} does not match the {what}'s length {nul} + NUL";
            return false;
        }
        if (!Utf8.IsValid(field[..nul]))
        {
            problem = $"{what} is not valid UTF-8";
            return false;
        }
        text = field[..nul];
        problem = null;
        return true;
    }
}
