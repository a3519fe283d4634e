using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>make install / uninstall into a temporary DESTDIR: paths, modes, the second name
/// of the fcopy daemon, units that follow sbindir, and an uninstall that removes exactly what
/// install added.</summary>
public sealed class InstallTests
{
    const UnixFileMode Exec = (UnixFileMode)0x1ed;   // 0755
    const UnixFileMode Data = (UnixFileMode)0x1a4;   // 0644

    static readonly string[] Units =
        ["hv_kvp_daemon.service", "hv_vss_daemon.service", "hv_fcopy_daemon.service",
         "hv_fcopy_uio_daemon.service", "hv_fcopy_uio_bind.service"];

    /// <summary>What Fedora/RHEL/Azure Linux, Ubuntu and Debian call the units.</summary>
    static readonly (string Alias, string Unit)[] UnitAliases =
    [
        ("hypervkvpd.service", "hv_kvp_daemon.service"), ("hv-kvp-daemon.service", "hv_kvp_daemon.service"),
        ("hyperv-daemons.hv-kvp-daemon.service", "hv_kvp_daemon.service"),
        ("hypervvssd.service", "hv_vss_daemon.service"), ("hv-vss-daemon.service", "hv_vss_daemon.service"),
        ("hyperv-daemons.hv-vss-daemon.service", "hv_vss_daemon.service"),
        ("hypervfcopyd.service", "hv_fcopy_daemon.service"), ("hv-fcopy-daemon.service", "hv_fcopy_daemon.service"),
        ("hyperv-daemons.hv-fcopy-daemon.service", "hv_fcopy_daemon.service"),
    ];

    static readonly (string Path, UnixFileMode Mode)[] DefaultLayout =
    [
        ("/usr/sbin/hv_kvp_daemon", Exec),
        ("/usr/sbin/hv_vss_daemon", Exec),
        ("/usr/sbin/hv_fcopy_daemon", Exec),
        ("/usr/sbin/hv_fcopy_uio_daemon", Exec),
        ("/usr/libexec/hypervkvpd/hv_get_dns_info", Exec),
        ("/usr/libexec/hypervkvpd/hv_get_dhcp_info", Exec),
        ("/usr/libexec/hypervkvpd/hv_set_ifconfig", Exec),
        ("/usr/libexec/hv_fcopy_uio_bind", Exec),
        ("/usr/lib/systemd/system/hv_kvp_daemon.service", Data),
        ("/usr/lib/systemd/system/hv_vss_daemon.service", Data),
        ("/usr/lib/systemd/system/hv_fcopy_daemon.service", Data),
        ("/usr/lib/systemd/system/hv_fcopy_uio_daemon.service", Data),
        ("/usr/lib/systemd/system/hv_fcopy_uio_bind.service", Data),
        ("/usr/lib/udev/rules.d/70-hv-daemons.rules", Data),
        ("/usr/share/man/man8/hv_kvp_daemon.8", Data),
        ("/usr/share/man/man8/hv_vss_daemon.8", Data),
        ("/usr/share/man/man8/hv_fcopy_daemon.8", Data),
        ("/usr/share/man/man8/hv_fcopy_uio_daemon.8", Data),
        ("/usr/bin/hv_kvp_client", Exec),
        ("/usr/share/man/man8/hv_kvp_client.8", Data),
        ("/usr/share/man/man8/hypervkvpd.8", Data),
        ("/usr/share/man/man8/hypervvssd.8", Data),
        ("/usr/share/man/man8/hypervfcopyd.8", Data),
        ("/etc/hyperv/vss.conf", Data),
        .. UnitAliases.Select(a => ("/usr/lib/systemd/system/" + a.Alias, Data)),
    ];


    [SkippableFact]
    public void The_distributions_unit_and_man_page_names_are_aliases_of_ours()
    {
        MakeInstall.RequireBuilt();
        using var dest = new TempTree("aliases");
        MakeInstall.Ok("install", "DESTDIR=" + dest.Root);
        foreach (var (alias, unit) in UnitAliases)
            Assert.Equal(unit, new FileInfo(dest["/usr/lib/systemd/system/" + alias]).LinkTarget);
        Assert.Equal(".so man8/hv_kvp_daemon.8\n", File.ReadAllText(dest["/usr/share/man/man8/hypervkvpd.8"]));
        Assert.Equal(".so man8/hv_vss_daemon.8\n", File.ReadAllText(dest["/usr/share/man/man8/hypervvssd.8"]));
        Assert.Equal(".so man8/hv_fcopy_daemon.8\n", File.ReadAllText(dest["/usr/share/man/man8/hypervfcopyd.8"]));
        MakeInstall.Ok("uninstall", "DESTDIR=" + dest.Root);
        Assert.Empty(dest.Files());
    }

    [SkippableFact]
    public void Install_puts_every_file_where_tools_hv_and_the_units_expect_it_without_rebuilding()
    {
        MakeInstall.RequireBuilt();
        using var dest = new TempTree("install");

        CommandResult r = MakeInstall.Ok("install", "DESTDIR=" + dest.Root);

        Assert.Contains("installing the binaries in out/linux-x64", r.Stdout);
        Assert.DoesNotContain("dotnet publish", r.Stdout);
        Assert.Equal(DefaultLayout.Select(f => f.Path).OrderBy(p => p, StringComparer.Ordinal), dest.Files());
        foreach (var (path, mode) in DefaultLayout)
            Assert.True(File.GetUnixFileMode(dest[path]) == mode, path + " has mode " + File.GetUnixFileMode(dest[path]));
        Assert.True(Directory.Exists(dest["/var/lib/hyperv"]));
        Assert.Equal(Exec, File.GetUnixFileMode(dest["/var/lib/hyperv"]));

        foreach (string d in PackagingEnvironment.Daemons)
            Assert.Equal(File.ReadAllBytes(Path.Combine(MakeInstall.Out, d)), File.ReadAllBytes(dest["/usr/sbin/" + d]));
        // hv_fcopy_uio_daemon is a hard link: one inode, two names.
        Assert.Equal(Inode(dest["/usr/sbin/hv_fcopy_daemon"]), Inode(dest["/usr/sbin/hv_fcopy_uio_daemon"]));

        foreach (string unit in Units)
        {
            string text = File.ReadAllText(dest["/usr/lib/systemd/system/" + unit]);
            Assert.DoesNotContain("@", text.Replace("@sbindir@", "!"));
            Assert.DoesNotContain("@sbindir@", text);
        }
        Assert.Contains("ExecStart=/usr/sbin/hv_kvp_daemon -n\n", File.ReadAllText(dest["/usr/lib/systemd/system/hv_kvp_daemon.service"]));
        Assert.Contains("ExecStart=/usr/sbin/hv_fcopy_uio_daemon -n\n", File.ReadAllText(dest["/usr/lib/systemd/system/hv_fcopy_uio_daemon.service"]));
        Assert.Equal(".so man8/hv_fcopy_daemon.8\n", File.ReadAllText(dest["/usr/share/man/man8/hv_fcopy_uio_daemon.8"]));
    }

    [SkippableFact]
    public void The_installed_kvp_daemon_looks_for_its_scripts_where_install_put_them()
    {
        MakeInstall.RequireBuilt();
        string settings = File.ReadAllText(Path.Combine(MakeInstall.Out, "build-settings"));
        Assert.Contains("kvp_scripts_path=/usr/libexec/hypervkvpd\n", settings);

        // Native AOT keeps string literals as UTF-16LE; the high byte of the last character
        // may be shared with what follows in its literal blob, so it is left out of the search.
        byte[] binary = File.ReadAllBytes(Path.Combine(MakeInstall.Out, "hv_kvp_daemon"));
        byte[] utf16 = Encoding.Unicode.GetBytes("/usr/libexec/hypervkvpd");
        byte[] folder = utf16[..^1];
        Assert.True(binary.AsSpan().IndexOf(folder) >= 0, "hv_kvp_daemon does not contain the scripts folder /usr/libexec/hypervkvpd");
    }

    [SkippableFact]
    public void Every_directory_variable_moves_its_files_and_units_follow_sbindir()
    {
        MakeInstall.RequireBuilt();
        using var dest = new TempTree("vars");

        // libexecdir would follow prefix; it is compiled into hv_kvp_daemon, so a different one
        // means a rebuild. Kept at the built value here: this test must not rebuild out/.
        CommandResult r = MakeInstall.Ok("install", "DESTDIR=" + dest.Root, "prefix=/opt/hv", "sbindir=/opt/hv/bin",
                       "libexecdir=/usr/libexec", "sharedstatedir=/srv/state", "mandir=/opt/hv/man",
                       "unitdir=/etc/systemd/system", "udevrulesdir=/etc/udev/rules.d");

        Assert.Contains("installing the binaries in out/linux-x64", r.Stdout);
        Assert.True(File.Exists(dest["/opt/hv/bin/hv_kvp_daemon"]));
        Assert.True(File.Exists(dest["/opt/hv/bin/hv_fcopy_uio_daemon"]));
        Assert.True(File.Exists(dest["/usr/libexec/hypervkvpd/hv_set_ifconfig"]));
        Assert.True(Directory.Exists(dest["/srv/state/hyperv"]));
        Assert.True(File.Exists(dest["/opt/hv/man/man8/hv_vss_daemon.8"]));
        Assert.True(File.Exists(dest["/etc/udev/rules.d/70-hv-daemons.rules"]));
        Assert.Contains("ExecStart=/opt/hv/bin/hv_vss_daemon -n\n", File.ReadAllText(dest["/etc/systemd/system/hv_vss_daemon.service"]));
        Assert.False(Directory.Exists(dest["/usr/sbin"]));
    }

    [SkippableFact]
    public void Uninstall_removes_exactly_what_install_added_and_keeps_what_was_there()
    {
        MakeInstall.RequireBuilt();
        using var dest = new TempTree("uninstall");
        dest.Write("/usr/sbin/other_daemon", "#!/bin/sh\n", Exec);
        dest.Write("/usr/libexec/hypervkvpd/site_hook", "#!/bin/sh\n", Exec);
        dest.Write("/var/lib/hyperv/.kvp_pool_1", "pool data");
        dest.Write("/usr/lib/systemd/system/other.service", "[Service]\n");
        dest.Write("/usr/share/man/man8/other.8", ".TH OTHER 8\n");
        var before = dest.Files();

        MakeInstall.Ok("install", "DESTDIR=" + dest.Root);
        Assert.Equal(before.Count + DefaultLayout.Length, dest.Files().Count);
        MakeInstall.Ok("uninstall", "DESTDIR=" + dest.Root);

        Assert.Equal(before, dest.Files());
        Assert.Equal("pool data", File.ReadAllText(dest["/var/lib/hyperv/.kvp_pool_1"]));
    }

    [SkippableFact]
    public void An_administrators_vss_conf_survives_install_and_uninstall_and_the_shipped_one_is_all_comments()
    {
        MakeInstall.RequireBuilt();
        using var dest = new TempTree("vssconf");
        dest.Write("/etc/hyperv/vss.conf", "strict = yes\n");

        MakeInstall.Ok("install", "DESTDIR=" + dest.Root);
        Assert.Equal("strict = yes\n", File.ReadAllText(dest["/etc/hyperv/vss.conf"]));
        MakeInstall.Ok("uninstall", "DESTDIR=" + dest.Root);
        Assert.Equal("strict = yes\n", File.ReadAllText(dest["/etc/hyperv/vss.conf"]));

        // The example changes nothing: every line is a comment or blank.
        string shipped = File.ReadAllText(Path.Combine(PackagingEnvironment.RepoRoot, "packaging", "vss.conf"));
        Assert.All(shipped.Split('\n'), l => Assert.True(l.Length == 0 || l[0] == '#', l));
    }

    [SkippableFact]
    public void Uninstall_after_a_fresh_install_leaves_only_the_standard_folders()
    {
        MakeInstall.RequireBuilt();
        using var dest = new TempTree("fresh");

        MakeInstall.Ok("install-initramfs", "DESTDIR=" + dest.Root);
        Assert.True(File.Exists(dest["/usr/lib/dracut/modules.d/90hv-kvp/module-setup.sh"]));
        Assert.Equal(Exec, File.GetUnixFileMode(dest["/usr/lib/dracut/modules.d/90hv-kvp/module-setup.sh"]));
        Assert.Equal(Data, File.GetUnixFileMode(dest["/usr/lib/dracut/modules.d/90hv-kvp/hv-kvp-daemon-initrd.service"]));
        Assert.Equal(Exec, File.GetUnixFileMode(dest["/usr/lib/dracut/modules.d/90hv-kvp/hv-kvp-wait-channel.sh"]));
        foreach (string f in new[] { "hooks", "scripts/init-premount", "scripts/init-bottom" })
            Assert.Equal(Exec, File.GetUnixFileMode(dest["/usr/share/initramfs-tools/" + f + "/hv_kvp_daemon"]));
        Assert.Contains("copy_exec \"$daemon\" /sbin", File.ReadAllText(dest["/usr/share/initramfs-tools/hooks/hv_kvp_daemon"]));
        Assert.Contains("daemon=/usr/sbin/hv_kvp_daemon\n", File.ReadAllText(dest["/usr/share/initramfs-tools/hooks/hv_kvp_daemon"]));
        Assert.Equal(DefaultLayout.Length + 6, dest.Files().Count);

        MakeInstall.Ok("uninstall", "DESTDIR=" + dest.Root);

        Assert.Empty(dest.Files());
        Assert.DoesNotContain("/usr/libexec/hypervkvpd", dest.Directories());
        Assert.DoesNotContain("/var/lib/hyperv", dest.Directories());
        Assert.DoesNotContain("/usr/lib/dracut/modules.d/90hv-kvp", dest.Directories());
    }

    static long Inode(string path)
    {
        CommandResult r = Command.Run("stat", "-c", "%i %h", path);
        Assert.Equal(0, r.ExitCode);
        string[] parts = r.Stdout.Trim().Split(' ');
        Assert.Equal("2", parts[1]);
        return long.Parse(parts[0]);
    }
}
