using System;
using System.Globalization;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Pool;

/// <summary>
/// Finds who holds a lock on a file in /proc/locks, for the one line that says why a pool
/// operation gave up. Lines look like
/// <c>3: FLOCK  ADVISORY  WRITE 1234 08:01:5678 0 EOF</c>; a waiter's line has "->" after the
/// number; OFD locks show pid -1; a holder outside our pid namespace shows pid 0.
/// </summary>
internal static class LockHolders
{
    public const string ProcLocks = "/proc/locks";

    /// <summary>Pid of a process holding a <paramref name="kind"/> lock ("flock" or "fcntl") on
    /// the inode, other than <paramref name="self"/>; 0 when none is visible.</summary>
    public static int Find(string procLocks, in FileStamp file, string kind, int self)
    {
        uint major = file.DeviceMajor;
        uint minor = file.DeviceMinor;
        foreach (Range lineRange in procLocks.AsSpan().Split('\n'))
        {
            ReadOnlySpan<char> line = procLocks.AsSpan()[lineRange];
            if (Parse(line, out string type, out int pid, out uint maj, out uint min, out ulong ino)
                && maj == major && min == minor && ino == file.Inode && pid > 0 && pid != self
                && Matches(type, kind))
                return pid;
        }
        return 0;
    }

    static bool Matches(string type, string kind) =>
        kind == "flock" ? type == "FLOCK" : type is "POSIX" or "OFDLCK";

    /// <summary>One holder line (waiters' "->" lines are refused).</summary>
    internal static bool Parse(ReadOnlySpan<char> line, out string type, out int pid, out uint major, out uint minor, out ulong inode)
    {
        type = "";
        pid = 0;
        major = minor = 0;
        inode = 0;
        Span<Range> words = stackalloc Range[9];
        int n = line.Split(words, ' ', StringSplitOptions.RemoveEmptyEntries);
        if (n < 6 || !line[words[0]].EndsWith(":") || line[words[1]].SequenceEqual("->")) return false;
        type = line[words[1]].ToString();
        if (!int.TryParse(line[words[4]], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out pid)) return false;
        ReadOnlySpan<char> id = line[words[5]];
        Span<Range> parts = stackalloc Range[3];
        if (id.Split(parts, ':') != 3) return false;
        return uint.TryParse(id[parts[0]], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out major)
            && uint.TryParse(id[parts[1]], NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out minor)
            && ulong.TryParse(id[parts[2]], NumberStyles.None, CultureInfo.InvariantCulture, out inode);
    }
}
