using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;

namespace HvDaemons.Packaging;

/// <summary>A temporary directory (DESTDIR, stub folders) removed on Dispose.</summary>
public sealed class TempTree : IDisposable
{
    public TempTree(string tag)
    {
        Root = Path.Combine(Path.GetTempPath(), "hvd-pkg-" + tag + "-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string this[string relative] => Path.Combine(Root, relative.TrimStart('/'));

    public string Write(string relative, string content, UnixFileMode? mode = null)
    {
        string path = this[relative];
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        if (mode is UnixFileMode m) File.SetUnixFileMode(path, m);
        return path;
    }

    /// <summary>Every file and symlink below the root, as "/relative/path", sorted.</summary>
    public SortedSet<string> Files() => new(
        Directory.EnumerateFileSystemEntries(Root, "*", SearchOption.AllDirectories)
            .Where(p => !Directory.Exists(p) || new FileInfo(p).LinkTarget is not null)
            .Select(p => "/" + Path.GetRelativePath(Root, p)),
        StringComparer.Ordinal);

    /// <summary>Every directory below the root, as "/relative/path", sorted.</summary>
    public SortedSet<string> Directories() => new(
        Directory.EnumerateDirectories(Root, "*", SearchOption.AllDirectories).Select(p => "/" + Path.GetRelativePath(Root, p)),
        StringComparer.Ordinal);

    public void Dispose()
    {
        try { Directory.Delete(Root, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
