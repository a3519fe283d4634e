using System;
using System.IO;
using HvDaemons.HostSim;
using Xunit;

// One booted container per release is shared by every test; the tests change its units' state.
[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace HvDaemons.Systemd;

/// <summary>
/// What these tests need from the machine: root with FUSE and namespaces, debootstrap and
/// systemd-nspawn (Debian packages debootstrap, systemd-container; .ci/run installs them),
/// the x64 build the release takes (out/linux-x64, or out/linux-x64-static). Outside CI a missing
/// piece skips visibly (a line starting SYSTEMD-SKIPPED, also appended to
/// out/blackbox-skipped.txt, which tests/run.sh lists); under CI=true it fails.
/// </summary>
public static class SystemdEnvironment
{
    public const string SkipPrefix = "SYSTEMD-SKIPPED: ";

    public static string RepoRoot { get; } = FindRepoRoot();

    /// <summary>The build `make install` takes for <paramref name="release"/>.</summary>
    public static string BinDir(DebianRelease release) => Path.Combine(RepoRoot, "out", release.Static ? "linux-x64-static" : "linux-x64");

    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

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
    public static void SkipOrFail(string? reason)
    {
        if (reason is null) return;
        if (InCi) Assert.Fail("CI must run the systemd container tests: " + reason);
        string line = SkipPrefix + reason;
        Console.Error.WriteLine(line);
        try
        {
            string marker = Path.Combine(RepoRoot, "out", "blackbox-skipped.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.AppendAllText(marker, line + "\n");
        }
        catch (IOException) { }
        Skip.If(true, line);
    }

    static string FindRepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "HvDaemons.sln"))) return dir;
        return Directory.GetCurrentDirectory();
    }
}
