using System;
using System.IO;

namespace HvDaemons.Os;

/// <summary>
/// Finds a program the way a shell does for a bare name: the first executable file of that
/// name in a PATH-style list. Used when hv_kvp_daemon is built with an empty KVP_SCRIPTS_PATH
/// (the scripts installed on PATH, as openSUSE does).
/// </summary>
public static class ExecutableSearch
{
    /// <summary>systemd's default PATH for services, used when the variable is unset.</summary>
    public const string DefaultPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    /// <summary>The program's absolute path, or null when no folder of <paramref name="searchPath"/> has it.</summary>
    public static string? Find(string name, string? searchPath)
    {
        foreach (string dir in (searchPath ?? DefaultPath).Split(':'))
        {
            // A relative entry (or an empty one, meaning ".") would depend on the daemon's
            // working folder: never run a script from there.
            if (dir.Length == 0 || dir[0] != '/') continue;
            string candidate = dir.TrimEnd('/') + "/" + name;
            if (IsExecutableFile(candidate)) return candidate;
        }
        return null;
    }

    static bool IsExecutableFile(string path)
    {
        try
        {
            if (!File.Exists(path)) return false;
            if (OperatingSystem.IsWindows()) return true; // never: tells the analyzer this is Unix
            const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
            return (File.GetUnixFileMode(path) & anyExecute) != 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
