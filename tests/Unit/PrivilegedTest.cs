using System;
using System.IO;
using Xunit;

namespace HvDaemons.Tests;

/// <summary>
/// What a unit test does when the machine lacks a privilege or tool it needs (mount, network
/// namespaces): it is skipped visibly, never counted as passed. The skip prints a line starting
/// UNIT-SKIPPED and appends it to out/blackbox-skipped.txt, the list tests/run.sh prints and
/// (under CI=true) counts as failures; under CI=true the test also fails at once, since CI runs
/// as root with every tool installed.
/// </summary>
public static class PrivilegedTest
{
    public const string SkipPrefix = "UNIT-SKIPPED: ";

    public static bool InCi => Environment.GetEnvironmentVariable("CI") == "true";

    /// <summary>Skips (or under CI fails) the calling test unless <paramref name="present"/>.</summary>
    public static void Require(bool present, string what)
    {
        if (present) return;
        string line = SkipPrefix + what;
        if (InCi) Assert.Fail("CI must provide " + what);
        Console.Error.WriteLine(line);
        try
        {
            string marker = Path.Combine(RepoRoot, "out", "blackbox-skipped.txt");
            Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
            File.AppendAllText(marker, line + "\n");
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        Skip.If(true, line);
    }

    public static string RepoRoot { get; } = FindRepoRoot();

    static string FindRepoRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "HvDaemons.sln"))) return dir;
        return Directory.GetCurrentDirectory();
    }
}
