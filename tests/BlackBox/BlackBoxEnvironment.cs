using System;
using System.IO;
using HvDaemons.HostSim;
using HvDaemons.TestSupport;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace HvDaemons.BlackBox;

/// <summary>
/// What the black-box tests need from the machine. They skip only when it cannot host a
/// sandbox at all (not root, no /dev/fuse, no unshare), visibly (<see cref="VisibleSkip"/>:
/// a line starting BLACKBOX-SKIPPED in the list tests/run.sh prints; under CI=true a failure).
/// Missing daemon binaries are a failure, not a skip: run ./build.sh first.
/// </summary>
public static class BlackBoxEnvironment
{
    public const string SkipPrefix = "BLACKBOX-SKIPPED: ";

    static readonly Lazy<string?> Reason = new(() => SandboxSupport.WhyUnavailable());

    public static string RepoRoot => Repository.Root;

    /// <summary>Where the published daemons are: $HVD_BIN_DIR or $HV_BIN_DIR (e.g.
    /// out/linux-x64-static, to run every black-box test on the static build), else out/linux-x64.</summary>
    public static string BinDir { get; } = ChooseBinDir();

    static string ChooseBinDir()
    {
        foreach (string name in new[] { "HVD_BIN_DIR", "HV_BIN_DIR" })
            if (Environment.GetEnvironmentVariable(name) is { Length: > 0 } dir) return Path.GetFullPath(dir, RepoRoot);   // relative: to the repository
        return Path.Combine(RepoRoot, "out", "linux-x64");
    }

    /// <summary>Skips the calling test (visibly) when the machine cannot run sandboxes.</summary>
    public static void RequireSandbox() => SkipIf(Reason.Value);

    /// <summary>Skips the calling test (visibly, as above) when <paramref name="reason"/> is not null.</summary>
    public static void SkipIf(string? reason) => VisibleSkip.If(reason, SkipPrefix);

    /// <summary>Absolute path of a published daemon; fails the test if it was not built.</summary>
    public static string Daemon(string name)
    {
        string path = Path.Combine(BinDir, name);
        Assert.True(File.Exists(path), path + " is missing: run ./build.sh first (or set HVD_BIN_DIR)");
        return path;
    }
}
