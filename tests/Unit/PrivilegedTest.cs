using HvDaemons.TestSupport;

namespace HvDaemons.Tests;

/// <summary>
/// What a unit test does when the machine lacks a privilege or tool it needs (mount, network
/// namespaces): it is skipped visibly (<see cref="VisibleSkip"/>, lines starting UNIT-SKIPPED),
/// never counted as passed; under CI=true it fails, since CI runs as root with every tool installed.
/// </summary>
public static class PrivilegedTest
{
    public const string SkipPrefix = "UNIT-SKIPPED: ";

    public static bool InCi => VisibleSkip.InCi;

    /// <summary>Skips (or under CI fails) the calling test unless <paramref name="present"/>.</summary>
    public static void Require(bool present, string what) => VisibleSkip.If(present ? null : what, SkipPrefix);

    public static string RepoRoot => Repository.Root;
}
