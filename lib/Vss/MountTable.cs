using System;
using System.Collections.Generic;
using System.IO;
using System.Text;

using HvDaemons.Os;

namespace HvDaemons.Vss;

/// <summary>
/// Reads /proc/mounts the way getmntent(3) does: whitespace-separated fields, the first four
/// required, with the kernel's \ooo octal escapes (space, tab, newline, backslash) decoded.
/// </summary>
public static class MountTable
{
    /// <summary>Every parseable line of <paramref name="path"/>, in the kernel's order.</summary>
    /// <returns>false with the error text when the file cannot be read.</returns>
    public static bool TryRead(string path, out List<MountEntry> mounts, out string error)
    {
        mounts = new List<MountEntry>();
        error = "";
        if (!TextFile.TryRead(path, out string text, out error)) return false;
        foreach (Range r in text.AsSpan().Split('\n'))
            if (TryParseLine(text.AsSpan(r), out MountEntry? entry)) mounts.Add(entry);
        return true;
    }

    /// <summary>Parses one line; false for blank or short lines (getmntent skips those too).</summary>
    public static bool TryParseLine(ReadOnlySpan<char> line, out MountEntry entry)
    {
        entry = null!;
        Span<Range> fields = stackalloc Range[5];
        int n = SplitFields(line, fields);
        if (n < 4) return false;
        entry = new MountEntry(Unescape(line[fields[0]]), Unescape(line[fields[1]]),
                               Unescape(line[fields[2]]), Unescape(line[fields[3]]));
        return true;
    }

    /// <summary>Up to fields.Length runs of non-blank characters; returns how many were found.</summary>
    static int SplitFields(ReadOnlySpan<char> line, Span<Range> fields)
    {
        int n = 0, i = 0;
        while (n < fields.Length)
        {
            while (i < line.Length && IsBlank(line[i])) i++;
            if (i >= line.Length || line[i] == '#' && n == 0) break;
            int start = i;
            while (i < line.Length && !IsBlank(line[i])) i++;
            fields[n++] = new Range(start, i);
        }
        return n;
    }

    static bool IsBlank(char c) => c is ' ' or '\t' or '\r' or '\n';

    /// <summary>Decodes \ooo (three octal digits, ASCII only) and \\; any other backslash is kept as is.</summary>
    public static string Unescape(ReadOnlySpan<char> field)
    {
        if (field.IndexOf('\\') < 0) return field.ToString();
        var sb = new StringBuilder(field.Length);
        for (int i = 0; i < field.Length; i++)
        {
            char c = field[i];
            if (c == '\\' && i + 3 < field.Length && IsOctal(field[i + 1]) && IsOctal(field[i + 2]) && IsOctal(field[i + 3]))
            {
                int value = (field[i + 1] - '0') * 64 + (field[i + 2] - '0') * 8 + (field[i + 3] - '0');
                // The kernel escapes only ASCII; anything else stays literal rather than become a guess.
                if (value <= 0x7f)
                {
                    sb.Append((char)value);
                    i += 3;
                    continue;
                }
            }
            if (c == '\\' && i + 1 < field.Length && field[i + 1] == '\\')
            {
                sb.Append('\\');
                i++;
                continue;
            }
            sb.Append(c);
        }
        return sb.ToString();
    }

    static bool IsOctal(char c) => c is >= '0' and <= '7';
}
