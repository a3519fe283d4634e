using System;

namespace HvDaemons.Kvp.Auto;

/// <summary>The OS name and version the AUTO pool reports, from /etc/os-release or a legacy release file.</summary>
internal sealed record OsRelease(string? Name, string MajorVersion, string MinorVersion)
{
    /// <summary>
    /// os-release rules as upstream applies them: '#' lines skipped, split at the first '=',
    /// quotes and newlines dropped from the value, a backslash keeps the next character,
    /// the last NAME / VERSION_ID wins. A missing NAME stays null (the caller uses uname -s).
    /// </summary>
    public static OsRelease ParseOsRelease(string text)
    {
        string? name = null;
        string version = "";
        foreach (string line in text.Split('\n'))
        {
            if (line.StartsWith('#')) continue;
            int eq = line.IndexOf('=');
            if (eq < 0) continue;
            string key = line[..eq];
            if (key != "NAME" && key != "VERSION_ID") continue;
            string value = Unquote(line.AsSpan(eq + 1));
            if (key == "NAME") name = value;
            else version = value;
        }
        return new OsRelease(name, version, "");
    }

    /// <summary>Legacy SuSE-release / redhat-release: line 1 name, line 2 major, line 3 minor.</summary>
    public static OsRelease ParseLegacy(string text)
    {
        string[] lines = text.Split('\n');
        string Line(int i) => i < lines.Length ? lines[i].TrimEnd('\r') : "";
        return new OsRelease(Line(0), Line(1), Line(2));
    }

    static string Unquote(ReadOnlySpan<char> value)
    {
        var chars = new char[value.Length];
        int n = 0;
        for (int i = 0; i < value.Length; i++)
        {
            char c = value[i];
            if (c == '\\' && i + 1 < value.Length) { chars[n++] = value[++i]; continue; }
            if (c == '"' || c == '\'' || c == '\n' || c == '\r') continue;
            chars[n++] = c;
        }
        return new string(chars, 0, n);
    }
}
