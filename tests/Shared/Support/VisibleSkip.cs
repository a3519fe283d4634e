using System;
using System.IO;
using Xunit;

namespace HvDaemons.TestSupport;

/// <summary>
/// What a test does when the machine lacks something it needs (root, /dev/fuse, a tool, a
/// build): it is skipped visibly, never counted as passed. The skip prints its line and appends
/// it to <see cref="ListFile"/>, which tests/run.sh prints after the run. Under CI=true the test
/// fails instead, since CI provides everything these tests need.
/// </summary>
static class VisibleSkip
{
    /// <summary>The skip list tests/run.sh reads, relative to the repository.</summary>
    public const string ListFile = "out/blackbox-skipped.txt";

    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>Skips (or under CI fails) the calling test when <paramref name="reason"/> is not
    /// null; <paramref name="prefix"/> ("BLACKBOX-SKIPPED: "...) says which suite skipped.</summary>
    public static void If(string? reason, string prefix)
    {
        if (reason is null) return;
        string line = prefix + reason;
        if (InCi) Assert.Fail("CI must provide what this test needs: " + line);
        Console.Error.WriteLine(line);
        try
        {
            string list = Path.Combine(Repository.Root, ListFile);
            Directory.CreateDirectory(Path.GetDirectoryName(list)!);
            File.AppendAllText(list, line + "\n");
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        Skip.If(true, line);
    }
}
