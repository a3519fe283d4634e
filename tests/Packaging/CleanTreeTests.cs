using System.Collections.Generic;
using System.IO;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>make clean brings a checkout back to what git clone gave, ignored files included.</summary>
public sealed class CleanTreeTests
{
    [SkippableFact]
    public void Make_clean_leaves_the_tree_as_a_fresh_clone()
    {
        using var clone = new SourceClone("clean");
        Assert.Equal("", clone.Git("status", "--ignored", "--porcelain"));

        // What builds leave: restored and compiled projects (bin/, obj/ in lib, cmd and tests),
        // out/, and vendor/.
        clone.Vendor();
        clone.Run(600, ["dotnet", "build", "tests/Unit", "-c", "Release", "-nologo", "-v", "quiet"],
                  new Dictionary<string, string> { ["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1" });
        Directory.CreateDirectory(Path.Combine(clone.Root, "out", "linux-x64"));
        File.WriteAllText(Path.Combine(clone.Root, "out", "linux-x64", "build-settings"), "rid=linux-x64\n");
        string dirty = clone.Git("status", "--ignored", "--porcelain");
        Assert.Contains("!! vendor/", dirty);
        Assert.Contains("!! lib/bin/", dirty);
        Assert.Contains("!! tests/Unit/obj/", dirty);

        clone.Make(120, "clean");
        Assert.Equal("", clone.Git("status", "--ignored", "--porcelain"));
    }

    [SkippableFact]
    public void Make_clean_keeps_vendor_in_an_unpacked_source_tarball()
    {
        using var clone = new SourceClone("clean-dist");
        string vendor = Path.Combine(clone.Root, "vendor");
        Directory.CreateDirectory(vendor);
        File.WriteAllText(Path.Combine(vendor, "x.1.0.0.nupkg"), "stand-in");
        Directory.Delete(Path.Combine(clone.Root, ".git"), recursive: true);
        clone.Make(120, "clean");
        Assert.True(File.Exists(Path.Combine(vendor, "x.1.0.0.nupkg")), "make clean removed the tarball's only copy of vendor/");
    }

    [SkippableFact]
    public void The_rid_default_follows_uname()
    {
        PackagingEnvironment.RequireTool("make", "make");
        using var stubs = new TempTree("uname");
        foreach (var (machine, rid) in new[] { ("x86_64", "linux-x64"), ("aarch64", "linux-arm64") })
        {
            stubs.Write("bin/uname", "#!/bin/sh\necho " + machine + "\n", (UnixFileMode)0x1ed);
            CommandResult r = Command.Run("make", ["--no-print-directory", "-n", "-C", PackagingEnvironment.RepoRoot, "build"],
                env: new Dictionary<string, string>
                {
                    ["MAKEFLAGS"] = "",
                    ["PATH"] = stubs["bin"] + ":" + System.Environment.GetEnvironmentVariable("PATH"),
                });
            Assert.True(r.ExitCode == 0, r.Describe());
            Assert.Contains("RID=" + rid + " ", r.Stdout);
            Assert.Contains("OUT=out/" + rid + " ", r.Stdout);
        }
    }
}
