using System;
using System.IO;
using System.Text;
using HvDaemons.Logging;

namespace HvDaemons.Fuzz.Targets;

/// <summary>A temporary directory tree for one target, removed on dispose; never a system path.</summary>
sealed class Fixture : IDisposable
{
    public Fixture(string name) => Root = Directory.CreateTempSubdirectory("hvfuzz-" + name + "-").FullName;

    public string Root { get; }

    public string Path(string relative) => System.IO.Path.Combine(Root, relative);

    public string Write(string relative, string text)
    {
        string p = Path(relative);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
        return p;
    }

    public string Dir(string relative)
    {
        string p = Path(relative);
        Directory.CreateDirectory(p);
        return p;
    }

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
    }

    /// <summary>The last log line with digits dropped: which refusal an input hit, not its numbers.</summary>
    public static string LastLine(MemoryLogger log)
    {
        return log.Lines.Count == 0 ? "" : Cut(log.Lines[^1].Message);
    }

    /// <summary>A message without digits and without anything quoted: its template.</summary>
    public static string Cut(string? m)
    {
        if (m is null) return "";
        var sb = new StringBuilder(48);
        foreach (char c in m)
        {
            if (sb.Length >= 48 || c == '"') break;
            if (!char.IsAsciiDigit(c)) sb.Append(c);
        }
        return sb.ToString();
    }
}
