using System;
using System.Buffers;
using System.Text;

namespace HvDaemons.Kvp;

/// <summary>
/// Copies a stored string into a reply field the way the kernel can convert it: at most
/// field-1 bytes cut at a character boundary, invalid UTF-8 (possible in a file another program
/// wrote) replaced by '?', NUL-terminated and zero-filled to the end of the field.
/// </summary>
internal static class HostString
{
    /// <returns>Bytes written, without the NUL.</returns>
    public static int Copy(ReadOnlySpan<byte> source, Span<byte> field)
    {
        field.Clear();
        int limit = field.Length - 1;
        int n = 0;
        while (source.Length > 0)
        {
            OperationStatus st = Rune.DecodeFromUtf8(source, out Rune rune, out int used);
            if (st != OperationStatus.Done) { rune = new Rune('?'); used = Math.Max(used, 1); }
            int len = rune.Utf8SequenceLength;
            if (n + len > limit) break;
            rune.EncodeToUtf8(field[n..]);
            n += len;
            source = source[used..];
        }
        return n;
    }

    public static int Copy(string source, Span<byte> field) => Copy(Encoding.UTF8.GetBytes(source), field);
}
