using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>Every shell file we ship parses (sh -n; bash -n for the dracut module, which
/// dracut sources with bash) and is clean under shellcheck; the man pages format without a
/// groff warning.</summary>
public sealed class ShellLintTests
{
    public static IEnumerable<object[]> ShellFiles()
    {
        string root = Path.Combine(PackagingEnvironment.RepoRoot, "packaging");
        foreach (string dir in new[] { "scripts", "initramfs-tools" })
            foreach (string f in Directory.EnumerateFiles(Path.Combine(root, dir), "*", SearchOption.AllDirectories).Order())
                yield return [Path.GetRelativePath(root, f), "sh"];
        yield return ["dracut/90hv-kvp/module-setup.sh", "bash"];
        yield return ["dracut/90hv-kvp/hv-kvp-wait-channel.sh", "sh"];
        // The .deb's maintainer scripts: dpkg runs them with /bin/sh (dash on Debian).
        foreach (string script in new[] { "postinst", "prerm", "postrm" })
            yield return ["debian/" + script, "sh"];
    }

    [Theory]
    [MemberData(nameof(ShellFiles))]
    public void Parses(string file, string shell)
    {
        CommandResult r = Command.Run(shell, "-n", Path.Combine(PackagingEnvironment.RepoRoot, "packaging", file));
        Assert.True(r.ExitCode == 0, file + ": " + r.Describe());
        Assert.StartsWith(shell == "sh" ? "#!/bin/sh\n" : "#!/bin/bash\n", File.ReadAllText(Path.Combine(PackagingEnvironment.RepoRoot, "packaging", file)));
    }

    [SkippableTheory]
    [MemberData(nameof(ShellFiles))]
    public void Passes_shellcheck(string file, string shell)
    {
        PackagingEnvironment.RequireTool("shellcheck", "shellcheck");
        CommandResult r = Command.Run("shellcheck", "-s", shell, Path.Combine(PackagingEnvironment.RepoRoot, "packaging", file));
        Assert.True(r.ExitCode == 0, file + ": " + r.Describe());
    }

    [SkippableTheory]
    [InlineData("hv_kvp_daemon.8")]
    [InlineData("hv_vss_daemon.8")]
    [InlineData("hv_fcopy_daemon.8")]
    public void Man_page_formats_without_warnings(string page)
    {
        PackagingEnvironment.RequireTool("groff", "groff-base");
        CommandResult r = Command.Run("groff", "-man", "-Tutf8", "-ww", "-z", Path.Combine(PackagingEnvironment.RepoRoot, "packaging/man", page));
        Assert.True(r.ExitCode == 0 && r.Stderr.Length == 0, page + ": " + r.Describe());
    }

    [Fact]
    public void Man_pages_name_every_flag_and_the_real_pool_folder()
    {
        string dir = Path.Combine(PackagingEnvironment.RepoRoot, "packaging/man");
        foreach (string page in new[] { "hv_kvp_daemon.8", "hv_vss_daemon.8", "hv_fcopy_daemon.8" })
        {
            string text = File.ReadAllText(Path.Combine(dir, page));
            foreach (string flag in new[] { "\\-n", "\\-\\-no\\-daemon", "\\-h", "\\-\\-help", "\\-\\-version", ".SH EXIT STATUS", ".SH FILES" })
                Assert.True(text.Contains(flag), page + " lacks " + flag);
        }
        string kvp = File.ReadAllText(Path.Combine(dir, "hv_kvp_daemon.8"));
        Assert.Contains("\\-\\-debug", kvp);
        Assert.Contains(".I /var/lib/hyperv", kvp);
        Assert.DoesNotContain("/var/opt/hyperv/.kvp", kvp);   // upstream's stale page
        Assert.Contains("uio_hv_generic", File.ReadAllText(Path.Combine(dir, "hv_fcopy_daemon.8")));
    }
}
