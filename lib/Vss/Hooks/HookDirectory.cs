using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Vss.Hooks;

/// <summary>
/// The freeze hooks in a folder, in name order (ordinal, as ls in the C locale). Only what root
/// can trust runs: a regular file (after symlinks), executable, owned by root and not writable
/// by group or others, in a folder that is also root's alone; anything else is logged and
/// skipped. Names starting with '.' (editors' and package managers' leftovers) are ignored.
/// </summary>
public sealed class HookDirectory(string path, Logger log, uint owner = 0)
{
    public string Path => path;

    /// <summary>Read at every FREEZE, so hooks can be added without a restart. A missing folder
    /// is no hooks.</summary>
    public List<string> List()
    {
        var hooks = new List<string>();
        SysResult r = FileOwnership.Of(path, out FileOwner dir);
        if (r.Ok && dir.Kind == FileKind.Missing) return hooks;
        if (!r.Ok || dir.Kind != FileKind.Directory || dir.Uid != owner || dir.WritableByOthers)
        {
            log.Err("VSS: hook folder " + path + " skipped: " + (r.Ok ? Untrusted(dir, FileKind.Directory) : Errno.Describe(r.Error)));
            return hooks;
        }
        string[] names;
        try
        {
            names = Directory.GetFileSystemEntries(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Err("VSS: cannot list hook folder " + path + ": " + e.Message);
            return hooks;
        }
        Array.Sort(names, StringComparer.Ordinal);
        foreach (string hook in names)
        {
            if (System.IO.Path.GetFileName(hook).StartsWith('.')) continue;
            r = FileOwnership.Of(hook, out FileOwner f);
            string? why = !r.Ok ? Errno.Describe(r.Error)
                : f.Kind != FileKind.Regular || f.Uid != owner || f.WritableByOthers || !f.ExecutableByOwner ? Untrusted(f, FileKind.Regular)
                : null;
            if (why is null) hooks.Add(hook);
            else log.Err("VSS: hook " + hook + " skipped: " + why);
        }
        return hooks;
    }

    string Untrusted(FileOwner f, FileKind wanted)
    {
        if (f.Kind == FileKind.Missing) return "dangling symlink";
        if (f.Kind != wanted) return wanted == FileKind.Directory ? "not a directory" : "not a regular file";
        if (f.Uid != owner) return "owned by uid " + f.Uid + ", not " + (owner == 0 ? "root" : "uid " + owner);
        if (f.WritableByOthers) return "writable by group or others (mode " + Convert.ToString(f.Permissions, 8) + ")";
        return "not executable (mode " + Convert.ToString(f.Permissions, 8) + ")";
    }
}
