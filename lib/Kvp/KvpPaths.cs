namespace HvDaemons.Kvp;

/// <summary>Where the KVP daemon reads and writes; defaults are upstream's, tests point elsewhere.</summary>
public sealed record KvpPaths(string PoolDirectory, string ScriptsDirectory)
{
    public static KvpPaths Default { get; } = new("/var/lib/hyperv", "/usr/libexec/hypervkvpd");
}
