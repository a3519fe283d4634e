using System.Collections.Generic;
using System.IO;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>tests/setup-deps.sh on a machine that is not Debian: it installs nothing and names
/// every missing command, and never fails the make test that runs it.</summary>
public sealed class SetupDepsTests
{
    [SkippableFact]
    public void Without_dpkg_it_names_each_missing_command()
    {
        using var bin = new TempTree("nodeb");
        Directory.CreateDirectory(bin["bin"]);
        // Only what the script itself needs; no dpkg-query, so it takes the non-Debian branch.
        foreach (string tool in new[] { "id", "grep" })
        {
            string? real = Command.Find(tool);
            PackagingEnvironment.Require(real is not null, tool);
            File.CreateSymbolicLink(bin["bin/" + tool], real!);
        }
        CommandResult r = Command.Run("/bin/bash", [Path.Combine(PackagingEnvironment.RepoRoot, "tests", "setup-deps.sh")],
                                env: new Dictionary<string, string> { ["PATH"] = bin["bin"] });
        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.DoesNotContain("installing", r.Stdout);
        Assert.Contains("still missing", r.Stdout);
        Assert.Contains("the .NET 10 SDK (dotnet)", r.Stdout);
        foreach (string command in new[] { "make", "gcc", "objcopy", "unshare", "qemu-aarch64", "rpmbuild", "systemd-nspawn" })
            Assert.Contains("the command " + command + "\n", r.Stdout);
    }
}
