namespace HvDaemons.Vss;

/// <summary>Where the VSS daemon looks; tests point these into a private namespace.</summary>
public sealed record VssPaths(string ProcMounts, string SysDevBlock)
{
    public static VssPaths Default { get; } = new("/proc/mounts", "/sys/dev/block");
}
