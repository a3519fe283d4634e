using System;
using System.IO;
using HvDaemons.HostSim;
using HvDaemons.TestSupport;
using Xunit;

// One booted container per release is shared by every test; the tests change its units' state.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace HvDaemons.Systemd;

/// <summary>
/// What these tests need from the machine: root with FUSE and namespaces, debootstrap and
/// systemd-nspawn (Debian packages debootstrap, systemd-container; .ci/run installs them),
/// the x64 build the release takes (out/linux-x64, or out/linux-x64-static). Outside CI a missing
/// piece skips visibly (<see cref="VisibleSkip"/>, lines starting SYSTEMD-SKIPPED); under CI=true
/// it fails.
/// </summary>
public static class SystemdEnvironment
{
    public const string SkipPrefix = "SYSTEMD-SKIPPED: ";

    public static string RepoRoot => Repository.Root;

    /// <summary>The build `make install` takes for <paramref name="release"/>.</summary>
    public static string BinDir(DebianRelease release) => Path.Combine(RepoRoot, "out", release.Static ? "linux-x64-static" : "linux-x64");

    public static bool InCi => VisibleSkip.InCi;

    /// <summary>Why containers cannot run here, or null.</summary>
    public static string? WhyUnavailable(DebianRelease release)
    {
        if (SandboxSupport.WhyUnavailable() is string why) return why;
        foreach (var (tool, package) in new[] { ("debootstrap", "debootstrap"), ("systemd-nspawn", "systemd-container"),
                                                ("nsenter", "util-linux"), ("make", "make") })
            if (Command.Find(tool) is null) return tool + " is missing (apt-get install " + package + ")";
        foreach (string d in new[] { "hv_kvp_daemon", "hv_vss_daemon", "hv_fcopy_daemon", "hv_kvp_client" })
            if (!File.Exists(Path.Combine(BinDir(release), d)))
                return Path.Combine(BinDir(release), d) + " is missing (run make build" + (release.Static ? " STATIC=1" : "") + ")";
        return null;
    }

    /// <summary>Skips (visibly) or, under CI, fails the calling test when <paramref name="reason"/> is set.</summary>
    public static void SkipOrFail(string? reason) => VisibleSkip.If(reason, SkipPrefix);
}
