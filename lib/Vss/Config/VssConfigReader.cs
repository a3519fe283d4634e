using System;
using System.Collections.Generic;
using System.Globalization;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Vss.Config;

/// <summary>
/// Reads vss.conf: "key = value" lines, '#' starts a comment line, blank lines ignored; include
/// and exclude keys may repeat. A line that cannot be used is logged once with file:line and
/// ignored, so the rest of the file and the defaults still apply. A missing file is the defaults.
/// </summary>
public static class VssConfigReader
{
    public static VssConfig Load(string path, Logger log)
    {
        VssConfig defaults = VssConfig.Defaults(path);
        if (FileStat.OfPath(path, followSymlinks: true, out FileStatus status).Ok && status.Kind == FileKind.Missing)
            return defaults;
        if (!TextFile.TryRead(path, out string text, out string error))
        {
            log.Err("VSS: cannot read " + path + ": " + error + "; using the defaults");
            return defaults;
        }
        return Parse(path, text, log);
    }

    public static VssConfig Parse(string source, string text, Logger log)
    {
        var include = new List<MountRule>();
        var exclude = new List<MountRule>();
        VssConfig c = VssConfig.Defaults(source);
        string hookDir = c.HookDirectory;
        int timeoutMs = c.HookTimeoutMs;
        bool strict = c.Strict;
        int number = 0;
        foreach (string raw in text.Split('\n'))
        {
            number++;
            string line = raw.Trim();
            if (line.Length == 0 || line[0] == '#') continue;
            string? error = ParseLine(line, include, exclude, ref hookDir, ref timeoutMs, ref strict);
            if (error is not null) log.Err(source + ":" + number + ": " + error + "; line ignored");
        }
        return new VssConfig(source, include, exclude, hookDir, timeoutMs, strict);
    }

    /// <returns>null, or why the line is ignored.</returns>
    static string? ParseLine(string line, List<MountRule> include, List<MountRule> exclude,
                             ref string hookDir, ref int timeoutMs, ref bool strict)
    {
        int eq = line.IndexOf('=');
        if (eq < 0) return "expected \"key = value\"";
        string key = line[..eq].Trim();
        string value = line[(eq + 1)..].Trim();
        if (value.Length == 0) return "no value for " + key;
        switch (key)
        {
            case "include-mount": return AddRule(include, MountField.MountPoint, value);
            case "include-fstype": return AddRule(include, MountField.FsType, value);
            case "exclude-mount": return AddRule(exclude, MountField.MountPoint, value);
            case "exclude-fstype": return AddRule(exclude, MountField.FsType, value);
            case "hook-dir":
                if (value[0] != '/') return "hook-dir must be an absolute path";
                hookDir = value;
                return null;
            case "hook-timeout":
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out int s)
                    || s < 1 || s > VssConfig.MaxHookTimeoutMs / 1000)
                    return "hook-timeout must be whole seconds in 1.." + VssConfig.MaxHookTimeoutMs / 1000;
                timeoutMs = s * 1000;
                return null;
            case "strict":
                if (value is "yes" or "no")
                {
                    strict = value == "yes";
                    return null;
                }
                return "strict must be yes or no";
            default:
                return "unknown key \"" + key + "\"";
        }
    }

    static string? AddRule(List<MountRule> rules, MountField field, string pattern)
    {
        Glob? glob = Glob.TryParse(pattern, out string error);
        if (glob is null) return error;
        rules.Add(new MountRule(field, glob));
        return null;
    }
}
