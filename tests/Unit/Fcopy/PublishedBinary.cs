using System;
using System.IO;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>
/// The published daemon a unit test runs, checked to be built from the sources it is tested
/// against: older than any file under lib/ or cmd/ (or the shared build settings) means a
/// stale binary, and the test fails naming `make build` instead of testing old code.
/// </summary>
static class PublishedBinary
{
    static readonly string[] SourceFolders = ["lib", "cmd"];
    static readonly string[] SourceKinds = ["*.cs", "*.csproj"];

    /// <summary>Fails the calling test unless <paramref name="binary"/> exists and is newer than every source.</summary>
    public static void AssertFresh(string binary, string repoRoot)
    {
        Assert.True(File.Exists(binary), binary + " is missing: run `make build` first");
        DateTime built = File.GetLastWriteTimeUtc(binary);
        (string path, DateTime time) newest = NewestSource(repoRoot);
        Assert.True(newest.time <= built,
            $"{binary} (built {built:u}) is older than {Path.GetRelativePath(repoRoot, newest.path)} ({newest.time:u}): " +
            "run `make build` so the tests exercise the current code");
    }

    /// <summary>The most recently changed source that goes into the daemons.</summary>
    public static (string Path, DateTime Time) NewestSource(string repoRoot)
    {
        string props = Path.Combine(repoRoot, "Directory.Build.props");
        (string, DateTime) newest = (props, File.Exists(props) ? File.GetLastWriteTimeUtc(props) : DateTime.MinValue);
        foreach (string folder in SourceFolders)
        {
            string dir = Path.Combine(repoRoot, folder);
            if (!Directory.Exists(dir)) continue;
            foreach (string kind in SourceKinds)
                foreach (string file in Directory.EnumerateFiles(dir, kind, SearchOption.AllDirectories))
                {
                    if (IsBuildOutput(file)) continue;
                    DateTime t = File.GetLastWriteTimeUtc(file);
                    if (t > newest.Item2) newest = (file, t);
                }
        }
        return newest;
    }

    static bool IsBuildOutput(string file) =>
        file.Contains("/obj/", StringComparison.Ordinal) || file.Contains("/bin/", StringComparison.Ordinal);
}
