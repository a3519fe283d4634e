using System;

namespace HvDaemons.Vss;

/// <summary>One line of /proc/mounts, with the kernel's octal escapes undone.</summary>
public sealed record MountEntry(string Source, string MountPoint, string FsType, string Options)
{
    /// <summary>True when the mount carries the "ro" option (the mount, not necessarily the filesystem).</summary>
    public bool IsReadOnly => HasOption("ro");

    public bool HasOption(string name)
    {
        foreach (Range r in Options.AsSpan().Split(','))
            if (Options.AsSpan(r).SequenceEqual(name)) return true;
        return false;
    }
}
