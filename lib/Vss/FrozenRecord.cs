using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Vss;

/// <summary>A filesystem the daemon was about to freeze: where, and which device it was then.</summary>
public readonly record struct FrozenFilesystem(string MountPoint, uint Major, uint Minor)
{
    public override string ToString() => MountPoint + " (" + Major + ":" + Minor + ")";
}

/// <summary>What <see cref="FrozenRecord.Load"/> found.</summary>
public enum RecordState
{
    Missing,
    Loaded,
    /// <summary>Unreadable or not in our format (logged once); nothing in it is acted on.</summary>
    Bad,
}

/// <summary>
/// The file in /run (a tmpfs, never frozen) naming what this daemon may hold frozen, so that
/// the next instance can thaw it when this one dies frozen (SIGKILL, OOM killer): written
/// atomically (temporary file, fsync, rename, fsync of the directory) before a freeze walk's
/// first FIFREEZE, removed once everything is thawed. Each entry keeps the filesystem's device
/// number so a filesystem mounted later at the same path is never thawed by mistake.
/// Format: a header line, then one "major:minor mount-point" line per filesystem, the mount
/// point escaped as in /proc/mounts.
/// </summary>
public sealed class FrozenRecord(string path, Logger log, DeviceLookup? filesystemOf = null)
{
    public const string DefaultPath = "/run/hyperv-vss/frozen";

    /// <summary>Environment variable naming another record file (tests, or a /run elsewhere).</summary>
    public const string PathVariable = "HV_VSS_FROZEN_RECORD";

    const string Header = "hv_vss_daemon frozen v1";
    const int MaxBytes = 1 << 20;

    readonly DeviceLookup _filesystemOf = filesystemOf ?? DeviceNumbers.StatFilesystem;

    public string Path => path;

    /// <summary>The record at <see cref="PathVariable"/> if set, else at <see cref="DefaultPath"/>.</summary>
    public static FrozenRecord FromEnvironment(Logger log)
        => new(Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } p ? p : DefaultPath, log);

    /// <summary>The device mounted at <paramref name="mountPoint"/> now (st_dev), or null.</summary>
    public (uint Major, uint Minor)? DeviceOf(string mountPoint)
        => _filesystemOf(mountPoint, out DeviceNumber d).Ok ? (d.Major, d.Minor) : null;

    /// <summary>Records <paramref name="mountPoints"/> (those that can be stat()ed: the others
    /// cannot be opened to freeze either). A failure is logged; the freeze goes on.</summary>
    public bool Save(IEnumerable<string> mountPoints)
    {
        var entries = new List<FrozenFilesystem>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (string mp in mountPoints)
            if (seen.Add(mp) && DeviceOf(mp) is { } d) entries.Add(new FrozenFilesystem(mp, d.Major, d.Minor));
        if (WriteAtomically(Encoding.UTF8.GetBytes(Format(entries))) is string error)
        {
            log.Err("VSS: cannot write " + path + " (a crash while frozen would leave the guest frozen): " + error);
            return false;
        }
        return true;
    }

    /// <summary>Removes the record; a missing one is fine, another failure is logged.</summary>
    public void Clear()
    {
        SysResult r = Posix.Unlink(path);
        if (!r.Ok && r.Error != Errno.ENOENT)
            log.Err("VSS: cannot remove " + path + "; error: " + Errno.Describe(r.Error));
    }

    /// <summary>Reads the record; a bad one is logged here, once.</summary>
    public RecordState Load(out List<FrozenFilesystem> entries)
    {
        entries = new List<FrozenFilesystem>();
        string? error;
        byte[] bytes = Array.Empty<byte>();
        try
        {
            var info = new FileInfo(path);
            if (!info.Exists) return RecordState.Missing;
            error = info.Length > MaxBytes ? "larger than " + MaxBytes + " bytes" : null;
            if (error is null) bytes = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error = e.Message;
        }
        if (error is null && TryParse(bytes, out entries, out error)) return RecordState.Loaded;
        log.Err("VSS: ignoring " + path + ": " + error);
        entries.Clear();
        return RecordState.Bad;
    }

    public static string Format(IEnumerable<FrozenFilesystem> entries)
    {
        var sb = new StringBuilder(Header).Append('\n');
        foreach (FrozenFilesystem e in entries)
            sb.Append(e.Major).Append(':').Append(e.Minor).Append(' ').Append(Escape(e.MountPoint)).Append('\n');
        return sb.ToString();
    }

    /// <summary>Parses a whole record; false (with why) if any line is not ours.</summary>
    public static bool TryParse(ReadOnlySpan<byte> bytes, out List<FrozenFilesystem> entries, out string error)
    {
        entries = new List<FrozenFilesystem>();
        error = "";
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes);
        }
        catch (ArgumentException)
        {
            error = "not UTF-8";
            return false;
        }
        ReadOnlySpan<char> rest = text;
        int lineNo = 0;
        while (rest.Length > 0)
        {
            int nl = rest.IndexOf('\n');
            if (nl < 0)
            {
                error = "line " + (lineNo + 1) + " is not terminated";
                return false;
            }
            ReadOnlySpan<char> line = rest[..nl];
            rest = rest[(nl + 1)..];
            if (lineNo++ == 0)
            {
                if (!line.SequenceEqual(Header)) { error = "no \"" + Header + "\" header"; return false; }
                continue;
            }
            if (!TryParseEntry(line, out FrozenFilesystem entry)) { error = "line " + lineNo + " is not \"major:minor mount-point\""; return false; }
            entries.Add(entry);
        }
        if (lineNo == 0) { error = "empty"; return false; }
        return true;
    }

    static bool TryParseEntry(ReadOnlySpan<char> line, out FrozenFilesystem entry)
    {
        entry = default;
        int space = line.IndexOf(' ');
        if (space < 0) return false;
        ReadOnlySpan<char> device = line[..space];
        ReadOnlySpan<char> mountPoint = line[(space + 1)..];
        int colon = device.IndexOf(':');
        if (colon < 0 || !uint.TryParse(device[..colon], System.Globalization.NumberStyles.None, null, out uint major)
            || !uint.TryParse(device[(colon + 1)..], System.Globalization.NumberStyles.None, null, out uint minor))
            return false;
        if (mountPoint.Length == 0 || mountPoint[0] != '/' || mountPoint.IndexOfAny(' ', '\t') >= 0) return false;
        entry = new FrozenFilesystem(MountTable.Unescape(mountPoint), major, minor);
        return true;
    }

    /// <summary>The kernel's /proc/mounts escapes, which <see cref="MountTable.Unescape"/> undoes.</summary>
    static string Escape(string mountPoint)
    {
        var sb = new StringBuilder(mountPoint.Length);
        foreach (char c in mountPoint)
        {
            if (c is ' ' or '\t' or '\n' or '\\') sb.Append('\\').Append(Convert.ToString(c, 8).PadLeft(3, '0'));
            else sb.Append(c);
        }
        return sb.ToString();
    }

    /// <returns>null, or why the record could not be written.</returns>
    string? WriteAtomically(byte[] content)
    {
        string dir = System.IO.Path.GetDirectoryName(path) is { Length: > 0 } d ? d : ".";
        SysResult made = Posix.Mkdir(dir, 0x1C0 /* 0700 */);
        if (!made.Ok && made.Error != Errno.EEXIST) return "mkdir " + dir + ": " + Errno.Describe(made.Error);
        string temp = path + ".new";
        SysResult r = Posix.Open(temp, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC | Posix.O_CLOEXEC | Posix.O_NOFOLLOW, 0x180 /* 0600 */,
                                 out FileDescriptor fd);
        using (fd)
        {
            if (!r.Ok) return "open " + temp + ": " + Errno.Describe(r.Error);
            r = Posix.PWriteAll(fd, content, 0);
            if (r.Ok) r = Posix.Fsync(fd);
            if (!r.Ok)
            {
                Posix.Unlink(temp);
                return "write " + temp + ": " + Errno.Describe(r.Error);
            }
        }
        try
        {
            File.Move(temp, path, overwrite: true);   // rename(2)
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Posix.Unlink(temp);
            return e.Message;
        }
        r = Posix.Open(dir, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0, out FileDescriptor dirFd);
        using (dirFd)
        {
            if (r.Ok) r = Posix.Fsync(dirFd);
            return r.Ok ? null : "fsync " + dir + ": " + Errno.Describe(r.Error);
        }
    }
}
