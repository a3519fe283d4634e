using System.Collections.Generic;
using System.IO;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>Runs the repository's Makefile targets with variables, as a packager would.</summary>
public static class MakeInstall
{
    public static string Out => Path.Combine(PackagingEnvironment.RepoRoot, "out", "linux-x64");

    public static CommandResult Run(string target, params string[] variables)
    {
        var args = new List<string> { "--no-print-directory", "-C", PackagingEnvironment.RepoRoot, target };
        args.AddRange(variables);
        // The test runner's CI/HVD_* settings must not leak into make's own decisions.
        return Command.Run("make", args, env: new Dictionary<string, string> { ["MAKEFLAGS"] = "" });
    }

    public static CommandResult Ok(string target, params string[] variables)
    {
        CommandResult r = Run(target, variables);
        Assert.True(r.ExitCode == 0, "make " + target + " " + string.Join(' ', variables) + ": " + r.Describe());
        return r;
    }

    /// <summary>The x64 binaries must exist already: install tests copy them, never build.</summary>
    public static void RequireBuilt()
    {
        PackagingEnvironment.RequireTool("make", "make");
        PackagingEnvironment.RequireBinaries(Out, "make (./build.sh)");
        PackagingEnvironment.Require(File.Exists(Path.Combine(Out, "build-settings")), Out + "/build-settings (run make)");
    }
}
