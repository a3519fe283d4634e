using System;
using System.Collections.Generic;
using System.IO;

namespace HvDaemons.Systemd;

/// <summary>A Debian release whose systemd the units must work under, and which of our builds
/// runs there: the default build links against glibc 2.34 symbols, Debian 11 has 2.31, so it
/// gets the fully static build (docs/packaging.md, "Static binaries").</summary>
public sealed record DebianRelease(string Codename, int SystemdVersion, bool Static)
{
    /// <summary>The root's name (its folder, the machine name, the fixture's key): the codename,
    /// unless the release has a second root with other packages.</summary>
    public string Name { get; init; } = Codename;

    /// <summary>What debootstrap installs beyond minbase.</summary>
    public string Packages { get; init; } = "systemd,systemd-sysv,dbus";

    public static readonly DebianRelease Bookworm = new("bookworm", 252, Static: false);
    public static readonly DebianRelease Bullseye = new("bullseye", 247, Static: true);
    public static readonly DebianRelease[] All = [Bookworm, Bullseye];

    /// <summary>Bookworm with every network stack hv_set_ifconfig knows on Debian (tests/Systemd/Network):
    /// NetworkManager (polkitd needs a logind: libpam-systemd), netplan, ifupdown, systemd-networkd
    /// (in systemd), and what ifupdown needs for DHCP and DNS (isc-dhcp-client, resolvconf); iproute2
    /// for reading the kernel back, dnsmasq-base as the host side's DHCP server.</summary>
    public static readonly DebianRelease BookwormNetwork = Bookworm with
    {
        Name = "bookworm-net",
        Packages = "systemd,systemd-sysv,dbus,libpam-systemd,iproute2,network-manager,netplan.io,ifupdown,isc-dhcp-client,resolvconf,dnsmasq-base",
    };

    public static DebianRelease Named(string name) => Array.Find(All, r => r.Name == name)
        ?? (name == BookwormNetwork.Name ? BookwormNetwork : throw new ArgumentException("unknown release " + name));
}

/// <summary>
/// A root file system with systemd as init, made by debootstrap from deb.debian.org, with our
/// `make install` in it. $HVD_DEBOOTSTRAP_CACHE may name a folder holding roots made the same
/// way (one sub-folder per codename, never modified): they are copied instead of downloaded.
/// </summary>
public static class DebianRoot
{
    public const string Mirror = "http://deb.debian.org/debian";

    /// <summary>Builds the root of <paramref name="release"/> at <paramref name="root"/>; the
    /// failure (with the tool's output) as an exception.</summary>
    public static void Build(DebianRelease release, string root)
    {
        string? cache = Environment.GetEnvironmentVariable("HVD_DEBOOTSTRAP_CACHE");
        string? cached = cache is { Length: > 0 } ? Path.Combine(cache, release.Name) : null;
        CommandResult r = cached is not null && File.Exists(Path.Combine(cached, "usr/lib/systemd/systemd"))
            ? Command.Run("cp", ["-a", cached, root], timeoutSeconds: 300)
            : Command.Run("debootstrap", ["--variant=minbase", "--include=" + release.Packages,
                                          release.Codename, root, Mirror], timeoutSeconds: 900);
        if (r.ExitCode != 0) throw new InvalidOperationException("debootstrap " + release.Codename + " failed: " + Tail(r.Describe()));

        // As a packager installs: our Makefile, the binaries already in out/linux-x64.
        r = Command.Run("make", ["--no-print-directory", "-C", SystemdEnvironment.RepoRoot, "install", "DESTDIR=" + root,
                                 "STATIC=" + (release.Static ? "1" : "0")],
                        timeoutSeconds: 120, env: new Dictionary<string, string> { ["MAKEFLAGS"] = "" });
        if (r.ExitCode != 0) throw new InvalidOperationException("make install DESTDIR=" + root + " failed: " + Tail(r.Describe()));
        if (!r.Stdout.Contains("installing the binaries in", StringComparison.Ordinal))
            throw new InvalidOperationException("make install rebuilt the daemons instead of using " + SystemdEnvironment.BinDir(release) + ": " + Tail(r.Describe()));
        WithoutDeviceBinding(root);
    }

    /// <summary>
    /// A container's systemd has no device units (with /sys read-only it reports starting one
    /// "not supported"), so a BindsTo= on dev-vmbus-*.device fails every start there; on a guest
    /// udev provides that unit. Only that line goes; the rest of each unit is tested as installed.
    /// </summary>
    static void WithoutDeviceBinding(string root)
    {
        string dir = Path.Combine(root, "usr/lib/systemd/system");
        foreach (string unit in Directory.GetFiles(dir, "hv_*.service"))
        {
            if (File.GetAttributes(unit).HasFlag(FileAttributes.ReparsePoint)) continue;   // an alias
            string[] lines = File.ReadAllLines(unit);
            string[] kept = Array.FindAll(lines, l => !(l.StartsWith("BindsTo=dev-vmbus-", StringComparison.Ordinal) && l.EndsWith(".device", StringComparison.Ordinal)));
            if (kept.Length != lines.Length) File.WriteAllLines(unit, kept);
        }
    }

    /// <summary>Removes a root (never crossing into another file system).</summary>
    public static void Remove(string root)
    {
        if (Directory.Exists(root)) Command.Run("rm", ["-rf", "--one-file-system", root], timeoutSeconds: 120);
    }

    static string Tail(string text) => text.Length > 4000 ? "..." + text[^4000..] : text;
}
