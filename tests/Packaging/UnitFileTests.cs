using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>The installed systemd units pass `systemd-analyze verify` (in a root that holds
/// them, the installed binaries and the system's own units, so ExecStart= paths and ordering
/// targets resolve without systemd running as PID 1), and the udev rules start and name
/// exactly the devices the units bind to.</summary>
public sealed class UnitFileTests
{
    static readonly string[] OurUnits =
        ["hv_kvp_daemon.service", "hv_vss_daemon.service", "hv_fcopy_daemon.service",
         "hv_fcopy_uio_daemon.service", "hv_fcopy_uio_bind.service", "hv-kvp-daemon-initrd.service"];

    /// <summary>make install-initramfs into a root, plus the system's units beside ours.</summary>
    static TempTree VerifyRoot()
    {
        MakeInstall.RequireBuilt();
        PackagingEnvironment.RequireTool("systemd-analyze", "systemd");
        string systemUnits = Directory.Exists("/usr/lib/systemd/system") ? "/usr/lib/systemd/system" : "/lib/systemd/system";
        PackagingEnvironment.Require(File.Exists(Path.Combine(systemUnits, "sysinit.target")), "systemd's units (apt-get install systemd)");

        var root = new TempTree("verify");
        MakeInstall.Ok("install-initramfs", "DESTDIR=" + root.Root);
        string unitDir = root["/usr/lib/systemd/system"];
        File.Copy(root["/usr/lib/dracut/modules.d/90hv-kvp/hv-kvp-daemon-initrd.service"],
                  Path.Combine(unitDir, "hv-kvp-daemon-initrd.service"));
        // Where module-setup.sh puts the initrd unit's ExecCondition= script.
        File.Copy(root["/usr/lib/dracut/modules.d/90hv-kvp/hv-kvp-wait-channel.sh"], root["/usr/libexec/hv-kvp-wait-channel"]);
        foreach (string f in Directory.EnumerateFiles(systemUnits))
        {
            string target = Path.Combine(unitDir, Path.GetFileName(f));
            if (!File.Exists(target) && new FileInfo(f).LinkTarget is null) File.Copy(f, target);
        }
        return root;
    }

    static CommandResult Verify(TempTree root, params string[] units) =>
        Command.Run("systemd-analyze", new[] { "verify", "--man=no", "--root=" + root.Root }.Concat(units),
                 workDir: root["/usr/lib/systemd/system"], timeoutSeconds: 120);

    [SkippableFact]
    public void Every_unit_passes_systemd_analyze_verify_without_a_message()
    {
        using TempTree root = VerifyRoot();

        foreach (string unit in OurUnits)
        {
            CommandResult r = Verify(root, unit);
            Assert.True(r.ExitCode == 0, unit + ": " + r.Describe());
            // verify reports unknown keys and bad values only as messages: any line is a defect.
            string output = (r.Stdout + r.Stderr).Trim();
            Assert.True(output.Length == 0, unit + ": " + output);
        }
    }

    [SkippableFact]
    public void Verify_in_that_root_does_catch_a_broken_unit()
    {
        using TempTree root = VerifyRoot();
        root.Write("/usr/lib/systemd/system/hvd-broken.service",
                   "[Service]\nType=simple\nExecStart=/usr/sbin/hv_missing_daemon -n\nRestart=sometimes\n");

        CommandResult r = Verify(root, "hvd-broken.service");

        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("hv_missing_daemon", r.Stdout + r.Stderr);
        Assert.Contains("sometimes", r.Stdout + r.Stderr);
    }

    [Fact]
    public void Udev_rules_start_each_unit_and_name_each_device_a_unit_binds_to()
    {
        string repo = PackagingEnvironment.RepoRoot;
        string rules = File.ReadAllText(Path.Combine(repo, "packaging/udev/70-hv-daemons.rules"));
        var ruleLines = rules.Split('\n').Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();

        // Device units that the rules make: a node named by KERNEL== (misc devices) or SYMLINK+=.
        var devices = new HashSet<string>(StringComparer.Ordinal);
        foreach (string line in ruleLines)
        {
            if (!line.Contains("TAG+=\"systemd\"")) continue;
            foreach (Match m in Regex.Matches(line, "(?:KERNEL==|SYMLINK\\+=)\"([^\"*?]+)\""))
                devices.Add(DeviceUnit("/dev/" + m.Groups[1].Value));
        }
        var wanted = ruleLines.SelectMany(l => Regex.Matches(l, "SYSTEMD_WANTS\\}\\+=\"([^\"]+)\"").Select(m => m.Groups[1].Value)).ToHashSet();

        foreach (string unit in OurUnits.Where(u => !u.StartsWith("hv-kvp-daemon-initrd", StringComparison.Ordinal)))
        {
            Assert.Contains(unit, wanted);
            string text = File.ReadAllText(Path.Combine(repo, "packaging/systemd", unit + ".in"));
            foreach (Match m in Regex.Matches(text, "^BindsTo=(\\S+)$", RegexOptions.Multiline))
                Assert.True(devices.Contains(m.Groups[1].Value), unit + " binds to " + m.Groups[1].Value + ", which no rule creates: " + string.Join(", ", devices));
        }
        // Every daemon unit (not the oneshot binder) is bound to its device's lifetime.
        foreach (string unit in OurUnits.Where(u => u.EndsWith("_daemon.service", StringComparison.Ordinal)))
            Assert.Matches(new Regex("^BindsTo=dev-", RegexOptions.Multiline), File.ReadAllText(Path.Combine(repo, "packaging/systemd", unit + ".in")));
    }

    [Fact]
    public void Vss_and_fcopy_units_create_no_mount_namespace_and_kvp_keeps_what_its_scripts_need()
    {
        string dir = Path.Combine(PackagingEnvironment.RepoRoot, "packaging/systemd");
        // Any of these gives the service its own mount namespace or view of the file system:
        // VSS must freeze the real mounts, fcopy must write anywhere the host says.
        string[] namespacing = ["ProtectSystem=", "ProtectHome=", "PrivateTmp=", "PrivateMounts=", "PrivateDevices=",
                                "ProtectKernelTunables=", "ProtectKernelModules=", "ProtectKernelLogs=",
                                "ProtectControlGroups=", "ReadOnlyPaths=", "InaccessiblePaths=", "TemporaryFileSystem=",
                                "BindPaths=", "RootDirectory=", "ProtectProc=", "ProcSubset="];
        foreach (string unit in new[] { "hv_vss_daemon.service.in", "hv_fcopy_daemon.service.in", "hv_fcopy_uio_daemon.service.in" })
        {
            var directives = File.ReadAllLines(Path.Combine(dir, unit)).Where(l => !l.StartsWith('#'));
            foreach (string d in namespacing)
                Assert.DoesNotContain(directives, l => l.StartsWith(d, StringComparison.Ordinal));
        }
        string kvp = File.ReadAllText(Path.Combine(dir, "hv_kvp_daemon.service.in"));
        Assert.Matches(new Regex(@"^Before=cloud-init-main\.service cloud-init-local\.service walinuxagent\.service azure-init\.service$", RegexOptions.Multiline), kvp);
        Assert.Contains("RequiresMountsFor=/var/lib/hyperv\n", kvp);
        Assert.Contains("RestrictAddressFamilies=AF_UNIX AF_INET AF_INET6 AF_NETLINK", kvp);
        Assert.DoesNotContain("\nProtectSystem=", kvp);      // the scripts write /etc
        Assert.DoesNotContain("\nProtectHostname=", kvp);    // the host is told the live host name
    }

    /// <summary>
    /// What breaks in the field: ProtectClock= implies a device allow-list (DeviceAllow=char-rtc)
    /// on systemd 245-252, so opening /dev/vmbus/* fails with EPERM; NoNewPrivileges= stops the
    /// SELinux transitions KVP's scripts need; an isolate would stop units that only udev starts;
    /// a kernel-version condition misses distribution kernels that backport the move to uio.
    /// </summary>
    [Fact]
    public void No_unit_allow_lists_devices_by_accident_and_isolate_leaves_the_daemons_running()
    {
        string dir = Path.Combine(PackagingEnvironment.RepoRoot, "packaging/systemd");
        foreach (string unit in new[] { "hv_kvp_daemon.service.in", "hv_vss_daemon.service.in", "hv_fcopy_daemon.service.in", "hv_fcopy_uio_daemon.service.in" })
        {
            string[] directives = File.ReadAllLines(Path.Combine(dir, unit)).Where(l => !l.StartsWith('#')).ToArray();
            Assert.Contains("IgnoreOnIsolate=yes", directives);
            Assert.DoesNotContain(directives, l => l.StartsWith("ProtectClock=", StringComparison.Ordinal));
            Assert.DoesNotContain(directives, l => l.StartsWith("DeviceAllow=", StringComparison.Ordinal));
            Assert.DoesNotContain(directives, l => l.StartsWith("DevicePolicy=", StringComparison.Ordinal));
        }
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(dir, "hv_kvp_daemon.service.in")), l => l.StartsWith("NoNewPrivileges=", StringComparison.Ordinal));
        Assert.DoesNotContain(File.ReadAllLines(Path.Combine(dir, "hv_fcopy_uio_bind.service.in")), l => l.StartsWith("ConditionKernelVersion=", StringComparison.Ordinal));
    }

    /// <summary>Type=notify makes units ordered after a daemon (cloud-init after KVP) wait for
    /// its registration, not its fork; only the main process may notify; every daemon unit
    /// names a start timeout and says why, and every hardening option carries its reason.</summary>
    [Fact]
    public void Daemon_units_are_type_notify_with_a_reasoned_timeout_and_a_reason_per_option()
    {
        string repo = PackagingEnvironment.RepoRoot;
        var units = new Dictionary<string, string>
        {
            ["hv_kvp_daemon.service"] = Path.Combine(repo, "packaging/systemd/hv_kvp_daemon.service.in"),
            ["hv_vss_daemon.service"] = Path.Combine(repo, "packaging/systemd/hv_vss_daemon.service.in"),
            ["hv_fcopy_daemon.service"] = Path.Combine(repo, "packaging/systemd/hv_fcopy_daemon.service.in"),
            ["hv_fcopy_uio_daemon.service"] = Path.Combine(repo, "packaging/systemd/hv_fcopy_uio_daemon.service.in"),
            ["hv-kvp-daemon-initrd.service"] = Path.Combine(repo, "packaging/dracut/90hv-kvp/hv-kvp-daemon-initrd.service"),
        };
        string[] hardening = ["NoNewPrivileges=", "CapabilityBoundingSet=", "Protect", "Private", "Restrict",
                              "LockPersonality=", "SystemCallArchitectures=", "SystemCallFilter=", "MemoryDeny"];
        foreach (var (unit, path) in units)
        {
            string[] lines = File.ReadAllLines(path);
            string[] directives = lines.Where(l => !l.StartsWith('#')).ToArray();
            Assert.True(directives.Contains("Type=notify"), unit + " is not Type=notify");
            Assert.True(directives.Contains("NotifyAccess=main"), unit + " lacks NotifyAccess=main");
            int timeout = Array.FindIndex(lines, l => l.StartsWith("TimeoutStartSec=", StringComparison.Ordinal));
            Assert.True(timeout > 0 && lines[timeout - 1].StartsWith('#'), unit + ": TimeoutStartSec= without a reason above it");
            Assert.Matches("^TimeoutStartSec=[1-9][0-9]*s$", lines[timeout]);
            for (int i = 0; i < lines.Length; i++)
                if (hardening.Any(h => lines[i].StartsWith(h, StringComparison.Ordinal)))
                    Assert.True(i > 0 && lines[i - 1].StartsWith("# Kept", StringComparison.Ordinal),
                                unit + ": " + lines[i] + " has no \"# Kept...\" reason on the line above");
        }
        // The oneshot binder has no main process to wait for.
        Assert.DoesNotContain("Type=notify", File.ReadAllText(Path.Combine(repo, "packaging/systemd/hv_fcopy_uio_bind.service.in")));
    }

    /// <summary>systemd's unit name for a device node path (systemd-escape --path --suffix=device).</summary>
    static string DeviceUnit(string path)
    {
        var sb = new System.Text.StringBuilder();
        string trimmed = path.Trim('/');
        foreach (char c in trimmed)
        {
            if (c == '/') sb.Append('-');
            else if (char.IsAsciiLetterOrDigit(c) || c == '_' || c == '.' || c == ':') sb.Append(c);
            else sb.Append("\\x").Append(((int)c).ToString("x2"));
        }
        return sb + ".device";
    }
}
