using System;
using System.Collections.Generic;

namespace HvDaemons.Vss.Config;

/// <summary>Which part of a mount a rule looks at.</summary>
public enum MountField
{
    MountPoint,
    FsType,
}

/// <summary>One include or exclude line of vss.conf.</summary>
public sealed record MountRule(MountField Field, Glob Pattern)
{
    public bool Matches(MountEntry m) => Pattern.Matches(Field == MountField.MountPoint ? m.MountPoint : m.FsType);
}

/// <summary>
/// What /etc/hyperv/vss.conf says (hv_vss_daemon(8), docs/vss.md). The defaults are the daemon's
/// behaviour without the file: every eligible filesystem frozen, hooks from
/// <see cref="DefaultHookDirectory"/>, no strict mode.
/// </summary>
public sealed record VssConfig(string Source, IReadOnlyList<MountRule> Include, IReadOnlyList<MountRule> Exclude,
                               string HookDirectory, int HookTimeoutMs, bool Strict)
{
    public const string DefaultPath = "/etc/hyperv/vss.conf";

    /// <summary>Environment variable naming another configuration file.</summary>
    public const string PathVariable = "HV_VSS_CONFIG";

    public const string DefaultHookDirectory = "/etc/hyperv/fsfreeze-hook.d";

    /// <summary>Per hook: far below the kernel's 900 s FREEZE window, even with several hooks.</summary>
    public const int DefaultHookTimeoutMs = 30_000;

    public const int MaxHookTimeoutMs = 300_000;

    public static VssConfig Defaults(string source = DefaultPath)
        => new(source, Array.Empty<MountRule>(), Array.Empty<MountRule>(), DefaultHookDirectory, DefaultHookTimeoutMs, false);

    /// <summary>Whether the rules let the freeze touch this mount: it matches an include rule
    /// (or there are none) and no exclude rule.</summary>
    public bool Selects(MountEntry m)
    {
        foreach (MountRule r in Exclude)
            if (r.Matches(m)) return false;
        if (Include.Count == 0) return true;
        foreach (MountRule r in Include)
            if (r.Matches(m)) return true;
        return false;
    }

    /// <summary>The path from <see cref="PathVariable"/>, else <see cref="DefaultPath"/>.</summary>
    public static string PathFromEnvironment()
        => Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } p ? p : DefaultPath;
}
