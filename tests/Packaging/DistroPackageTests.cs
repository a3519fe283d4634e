using System;
using System.IO;
using System.Linq;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>
/// make deb and make rpm from the x64 binaries `make` built (out/linux-x64): their file lists,
/// relations and scripts; lintian on the .deb; the .deb installed into a throw-away root with
/// dpkg --root, whose maintainer scripts run chrooted there against stub systemctl/udevadm.
/// </summary>
public sealed class DistroPackageTests
{
    static readonly string[] PackagedFiles =
    [
        "/usr/sbin/hv_kvp_daemon", "/usr/sbin/hv_vss_daemon", "/usr/sbin/hv_fcopy_daemon", "/usr/sbin/hv_fcopy_uio_daemon",
        "/usr/bin/hv_kvp_client", "/usr/libexec/hypervkvpd/hv_set_ifconfig",
        "/usr/lib/systemd/system/hv_kvp_daemon.service", "/usr/lib/systemd/system/hv_vss_daemon.service",
        "/usr/lib/systemd/system/hv_fcopy_daemon.service", "/usr/lib/systemd/system/hv_fcopy_uio_daemon.service",
        "/usr/lib/systemd/system/hypervkvpd.service", "/usr/lib/systemd/system/hv-kvp-daemon.service",
        "/usr/lib/systemd/system/hypervvssd.service", "/usr/lib/systemd/system/hv-fcopy-daemon.service",
        "/usr/lib/udev/rules.d/70-hv-daemons.rules", "/usr/libexec/hv_fcopy_uio_bind", "/etc/hyperv/vss.conf",
    ];

    static string Deb()
    {
        MakeInstall.RequireBuilt();
        PackagingEnvironment.RequireTool("dpkg-deb", "dpkg");
        PackagingEnvironment.RequireTool("dpkg-shlibdeps", "dpkg-dev");
        MakeInstall.Ok("deb");
        string[] debs = Directory.GetFiles(Path.Combine(PackagingEnvironment.RepoRoot, "out", "deb"), "hvdaemons_*_amd64.deb");
        return Assert.Single(debs);
    }

    [SkippableFact]
    public void The_deb_holds_the_daemons_units_and_aliases_and_depends_on_libc6()
    {
        string deb = Deb();
        string files = Command.Run("dpkg-deb", "-c", deb).Stdout;
        foreach (string f in PackagedFiles) Assert.Contains(" ." + f, files);
        Assert.Contains("hv_fcopy_uio_daemon link to ./usr/sbin/hv_fcopy_daemon", files);

        Assert.Matches(@"^libc6 \(>= 2\.\d+\)", Command.Run("dpkg-deb", "-f", deb, "Depends").Stdout.Trim());
        foreach (string field in new[] { "Conflicts", "Replaces", "Provides" })
            Assert.Equal("hyperv-daemons", Command.Run("dpkg-deb", "-f", deb, field).Stdout.Trim());
        // An administrator's vss.conf survives upgrades: dpkg treats it as a conffile.
        Assert.Equal("/etc/hyperv/vss.conf", Command.Run("dpkg-deb", "-I", deb, "conffiles").Stdout.Trim());
    }

    [SkippableFact]
    public void Lintian_finds_no_error_in_the_deb()
    {
        string deb = Deb();
        PackagingEnvironment.RequireTool("lintian", "lintian");
        CommandResult r = Command.Run("lintian", ["--tag-display-limit", "0", deb], timeoutSeconds: 600);
        string[] errors = r.Stdout.Split('\n').Where(l => l.StartsWith("E: ", StringComparison.Ordinal)).ToArray();
        Assert.True(errors.Length == 0 && r.ExitCode is 0 or 2, "lintian: " + r.Describe());
    }

    [SkippableFact]
    public void The_deb_installs_into_a_root_and_its_maintainer_scripts_run()
    {
        string deb = Deb();
        PackagingEnvironment.RequireRoot();
        using var root = new TempTree("dpkgroot");
        // A root just big enough for the chrooted maintainer scripts: sh with its libraries,
        // /dev/null, and systemctl/udevadm stand-ins that record how they were called.
        string script = "set -e; R=" + Command.Quote(root.Root) + "\n" +
            "mkdir -p $R/bin $R/usr/bin $R/dev $R/run/systemd/system $R/var/log $R/var/lib/dpkg/info $R/var/lib/dpkg/updates $R/var/lib/dpkg/triggers\n" +
            "touch $R/var/lib/dpkg/status $R/var/lib/dpkg/available\n" +
            "cp /bin/dash $R/bin/sh\n" +
            "for l in $(ldd /bin/dash | grep -o '/[^ ]*'); do mkdir -p $R$(dirname $l); cp -L $l $R$l; done\n" +
            "mknod -m 666 $R/dev/null c 1 3\n" +
            "for s in systemctl udevadm; do printf '#!/bin/sh\\necho \"%s $*\" >>/var/log/calls\\n' $s >$R/usr/bin/$s; chmod 755 $R/usr/bin/$s; done\n" +
            // libc6 is not in this root's dpkg database; that one dependency is forced.
            "dpkg --root=$R --force-depends -i " + Command.Quote(deb) + "\n";
        CommandResult install = Command.Run("bash", "-c", script);
        Assert.True(install.ExitCode == 0, "dpkg -i: " + install.Describe());

        Assert.Contains("Status: install ok installed", Command.Run("dpkg", "--root=" + root.Root, "-s", "hvdaemons").Stdout);
        foreach (string f in PackagedFiles) Assert.True(File.Exists(root[f]), f + " not installed");
        string calls = File.ReadAllText(root["/var/log/calls"]);
        Assert.Contains("systemctl daemon-reload\n", calls);
        Assert.Contains("udevadm trigger --action=add --subsystem-match=misc --subsystem-match=vmbus --subsystem-match=uio\n", calls);

        CommandResult remove = Command.Run("dpkg", "--root=" + root.Root, "--force-depends", "-r", "hvdaemons");
        Assert.True(remove.ExitCode == 0, "dpkg -r: " + remove.Describe());
        Assert.False(File.Exists(root["/usr/sbin/hv_kvp_daemon"]));
        Assert.Contains("systemctl stop hv_kvp_daemon.service", File.ReadAllText(root["/var/log/calls"]));
    }

    [SkippableFact]
    public void The_rpm_lists_the_files_provides_and_obsoletes_hyperv_daemons_and_has_debuginfo()
    {
        MakeInstall.RequireBuilt();
        PackagingEnvironment.RequireTool("rpmbuild", "rpm");
        PackagingEnvironment.RequireTool("readelf", "binutils");
        MakeInstall.Ok("rpm");
        string dir = Path.Combine(PackagingEnvironment.RepoRoot, "out", "rpm", "RPMS", "x86_64");
        string rpm = Assert.Single(Directory.GetFiles(dir, "hvdaemons-0*.x86_64.rpm"));
        string debuginfo = Assert.Single(Directory.GetFiles(dir, "hvdaemons-debuginfo-*.x86_64.rpm"));

        string[] files = Command.Run("rpm", "-qlp", rpm).Stdout.Split('\n');
        foreach (string f in PackagedFiles) Assert.Contains(f, files);
        Assert.Contains(Command.Run("rpm", "-qp", "--provides", rpm).Stdout.Split('\n'), l => l.StartsWith("hyperv-daemons = "));
        Assert.Contains(Command.Run("rpm", "-qp", "--obsoletes", rpm).Stdout.Split('\n'), l => l.StartsWith("hyperv-daemons < "));
        Assert.Contains("/etc/hyperv/vss.conf", Command.Run("rpm", "-qcp", rpm).Stdout.Split('\n'));
        string scripts = Command.Run("rpm", "-qp", "--scripts", rpm).Stdout;
        Assert.Contains("daemon-reload", scripts);
        Assert.Contains("udevadm trigger", scripts);

        string[] debugFiles = Command.Run("rpm", "-qlp", debuginfo).Stdout.Split('\n');
        foreach (string b in PackagingEnvironment.Daemons.Append("hv_kvp_client"))
        {
            string id = DebugFiles.BuildId(Path.Combine(MakeInstall.Out, b));
            Assert.Contains("/usr/lib/debug/.build-id/" + id[..2] + "/" + id[2..] + ".debug", debugFiles);
        }
    }
}
