using System;
using System.IO;
using System.Linq;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>make dist: the committed tree plus vendor/, what a source package starts from.</summary>
public sealed class DistTarballTests
{
    [SkippableFact]
    public void Make_dist_holds_every_committed_file_and_vendor()
    {
        using var clone = new SourceClone("dist");
        PackagingEnvironment.RequireTool("tar", "tar");
        clone.Vendor();
        clone.Make(600, "dist");

        string version = "0.1.0";
        string tarball = Path.Combine(clone.Root, "out", "dist", "hvdaemons-" + version + ".tar.gz");
        string[] listed = clone.Run(120, ["tar", "-tzf", tarball]).Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        string prefix = "hvdaemons-" + version + "/";
        Assert.All(listed, e => Assert.StartsWith(prefix, e));
        var files = listed.Where(e => !e.EndsWith('/')).Select(e => e[prefix.Length..]).ToHashSet();

        foreach (string tracked in clone.Git("ls-files").Split('\n', StringSplitOptions.RemoveEmptyEntries))
            Assert.Contains(tracked, files);
        foreach (string nupkg in Directory.GetFiles(Path.Combine(clone.Root, "vendor"), "*.nupkg"))
            Assert.Contains("vendor/" + Path.GetFileName(nupkg), files);
        // The compiler and runtime packs of both architectures, not only this machine's.
        foreach (string rid in new[] { "linux-x64", "linux-arm64" })
        {
            Assert.Contains(files, f => f.StartsWith("vendor/runtime." + rid + ".microsoft.dotnet.ilcompiler."));
            Assert.Contains(files, f => f.StartsWith("vendor/microsoft.netcore.app.runtime.nativeaot." + rid + "."));
        }
        // Nothing of the build: no out/, bin/ or obj/ in a source tarball.
        Assert.DoesNotContain(files, f => f.StartsWith("out/") || f.Contains("/bin/") || f.Contains("/obj/"));
    }
}
