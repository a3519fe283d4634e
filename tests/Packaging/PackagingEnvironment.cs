using System;
using System.IO;
using HvDaemons.TestSupport;
using Xunit;

[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace HvDaemons.Packaging;

/// <summary>
/// Where the repository and its build outputs are, and what to do when a tool these tests
/// need is missing: outside CI the test is skipped visibly (<see cref="VisibleSkip"/>, lines
/// starting PACKAGING-SKIPPED); under CI=true it fails, since CI installs every package
/// docs/packaging.md names.
/// </summary>
public static class PackagingEnvironment
{
    public const string SkipPrefix = "PACKAGING-SKIPPED: ";

    public static string RepoRoot => Repository.Root;

    public static bool InCi => VisibleSkip.InCi;

    public static string StaticBinDir => Path.Combine(RepoRoot, "out", "linux-x64-static");
    public static string Arm64BinDir => Path.Combine(RepoRoot, "out", "linux-arm64");

    public static readonly string[] Daemons = ["hv_kvp_daemon", "hv_vss_daemon", "hv_fcopy_daemon"];

    /// <summary>Skips (or under CI fails) the calling test unless <paramref name="present"/>.</summary>
    public static void Require(bool present, string what) => VisibleSkip.If(present ? null : what, SkipPrefix);

    public static void RequireTool(string tool, string package) =>
        Require(Command.Find(tool) is not null, tool + " (apt-get install " + package + ")");

    public static void RequireRoot() =>
        Require(HvDaemons.HostSim.SandboxSupport.WhyUnavailable() is null,
                "root, /dev/fuse, unshare and mount for private mount namespaces: " + HvDaemons.HostSim.SandboxSupport.WhyUnavailable());

    /// <summary>The three daemons in <paramref name="dir"/>, or a skip/failure naming the build to run.</summary>
    public static void RequireBinaries(string dir, string build)
    {
        foreach (string d in Daemons)
            Require(File.Exists(Path.Combine(dir, d)), Path.Combine(dir, d) + " (run " + build + ")");
    }
}
