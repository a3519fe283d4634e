using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>
/// What every build variant must do the same as the main x64 build: the flags, a run with no
/// device, and the protocol against the simulated host (KVP SET/GET/AUTO, VSS, a whole fcopy
/// file). Subclasses say where the binaries are and how to run them (directly, or under
/// qemu-user for arm64).
/// </summary>
public abstract class BinaryVariantTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);

    protected abstract string BinDir { get; }

    /// <summary>Words before the binary (e.g. qemu-aarch64 -L sysroot).</summary>
    protected abstract string[] Runner { get; }

    /// <summary>Skips or (CI) fails when the binaries or their runner are missing.</summary>
    protected abstract void RequireVariant();

    CommandResult Run(string daemon, params string[] args) => RunAs(Path.Combine(BinDir, daemon), args);

    CommandResult RunAs(string path, params string[] args)
    {
        var words = Runner.Concat([path]).Concat(args).ToList();
        return Command.Run(words[0], words.Skip(1), env: new Dictionary<string, string> { ["HV_SYSLOG_SOCKET"] = "/nonexistent/hvd-log" },
                        timeoutSeconds: 120);
    }

    [SkippableFact]
    public void Help_version_and_a_bad_flag_answer_as_upstream()
    {
        RequireVariant();
        foreach (string d in new[] { "hv_kvp_daemon", "hv_vss_daemon" })
        {
            CommandResult help = Run(d, "-h");
            Assert.True(help.ExitCode == 0, d + " -h: " + help.Describe());
            Assert.Contains("Options are:", help.Stderr);
            Assert.Contains("-n, --no-daemon", help.Stderr);

            CommandResult bad = Run(d, "-x");
            Assert.Equal(1, bad.ExitCode);
            Assert.Contains("invalid option -- 'x'", bad.Stderr);

            CommandResult version = Run(d, "--version");
            Assert.Equal(0, version.ExitCode);
            Assert.StartsWith(d + " (HvDaemons) ", version.Stdout);
        }
        Assert.Contains("-d, --debug", Run("hv_kvp_daemon", "-h").Stderr);
        Assert.Equal(1, Run("hv_fcopy_daemon", "-h").ExitCode);

        // Installed a second time as hv_fcopy_uio_daemon: argv[0] selects upstream's -EINVAL.
        using var t = new TempTree("uio-name");
        File.CreateSymbolicLink(t["hv_fcopy_uio_daemon"], Path.Combine(BinDir, "hv_fcopy_daemon"));
        CommandResult uio = RunAs(t["hv_fcopy_uio_daemon"], "-h");
        Assert.Equal(234, uio.ExitCode);
        Assert.Contains("Usage: " + t["hv_fcopy_uio_daemon"], uio.Stderr);
    }

    [SkippableFact]
    public void Without_a_device_each_daemon_logs_one_line_and_exits_0()
    {
        RequireVariant();
        PackagingEnvironment.RequireRoot();
        // KVP creates /var/lib/hyperv and fcopy may bind a VMBus device: a private namespace
        // with tmpfs over both, and over /dev/vmbus should this machine have one.
        string runner = string.Join(' ', Runner.Select(Command.Quote));
        foreach (var (daemon, expected) in new[]
                 {
                     ("hv_kvp_daemon", "KVP: no /dev/vmbus/hv_kvp: nothing to serve on this machine; exiting"),
                     ("hv_vss_daemon", "Hyper-V VSS: no /dev/vmbus/hv_vss: nothing to serve on this machine; exiting"),
                     ("hv_fcopy_daemon", "HV_UIO_FCOPY: no fcopy VMBus device"),
                 })
        {
            CommandResult r = Command.InMountNamespace($$"""
                mount -t tmpfs hvd-varlib /var/lib || exit 90
                [ -d /dev/vmbus ] && { mount -t tmpfs hvd-vmbus /dev/vmbus || exit 91; }
                [ -d /sys/bus/vmbus ] && { mount -t tmpfs hvd-sysvmbus /sys/bus/vmbus || exit 92; }
                HV_SYSLOG_SOCKET=/nonexistent/hvd-log HV_VSS_FROZEN_RECORD=/var/lib/hvd-vss-frozen timeout 60 {{runner}} {{Command.Quote(Path.Combine(BinDir, daemon))}} -n
                echo "status=$?"
                """);
            // Absence is not an error (see the man pages): one line, status 0, no restart loop.
            Assert.Contains(expected, r.Stderr);
            Assert.DoesNotContain("failed", r.Stderr);
            Assert.EndsWith("status=0\n", r.Stdout);
        }
    }

    [SkippableFact]
    public void Kvp_registers_stores_answers_and_reports_the_host_name()
    {
        RequireVariant();
        PackagingEnvironment.RequireRoot();
        var host = new SimHost();
        using Sandbox sb = Sandbox.Start(host, Spec("hv_kvp_daemon"));
        Assert.True(host.Kernel.Kvp.WaitReady(Bound), sb.Describe());

        KvpReply set = host.Kvp.Set(KvpPoolId.External, "hvd-variant", "drop-in");
        KvpReply get = host.Kvp.Get(KvpPoolId.External, "hvd-variant");
        KvpReply fqdn = host.Kvp.Enumerate(KvpPoolId.Auto, 0);

        Assert.True(set.Ok, set.ToString());
        Assert.Equal((HvStatus.S_OK, "drop-in"), (get.Status, get.Value));
        Assert.Equal(("FullyQualifiedDomainName", HvStatus.S_OK), (fqdn.Key, fqdn.Status));
        Assert.False(string.IsNullOrEmpty(fqdn.Value));
        byte[] pool = File.ReadAllBytes(sb.HostPath("/var/lib/hyperv/.kvp_pool_0"));
        Assert.Equal(2560, pool.Length);
        Assert.Equal("hvd-variant\0"u8.ToArray(), pool.AsSpan(0, 12).ToArray());
    }

    [SkippableFact]
    public void Vss_and_fcopy_register_and_answer()
    {
        RequireVariant();
        PackagingEnvironment.RequireRoot();
        var host = new SimHost();
        using (Sandbox vss = Sandbox.Start(host, Spec("hv_vss_daemon")))
        {
            Assert.True(host.Kernel.Vss.WaitReady(Bound), vss.Describe());
            VssReply backup = host.Vss.HotBackup();
            Assert.Equal((HvStatus.S_OK, AnswerSource.Daemon), (backup.Status, backup.Source!.Value));
        }
        using (Sandbox fcopy = Sandbox.Start(host, Spec("hv_fcopy_daemon")))
        {
            Assert.True(host.Kernel.Fcopy.WaitReady(Bound), fcopy.Describe());
            byte[] content = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("hv-daemons ", 1500)));
            FcopyReply r = host.Fcopy.CopyFile("variant.txt", fcopy.WorkDirectory, content, FcopyOp.OverWrite);
            Assert.Equal(HvStatus.S_OK, r.Status);
            Assert.Equal(content, File.ReadAllBytes(Path.Combine(fcopy.WorkDirectory, "variant.txt")));
        }
    }

    SandboxSpec Spec(string daemon)
    {
        SandboxSpec spec = SandboxSpec.ForDaemon(BinDir, daemon);
        spec.ExecPrefix.AddRange(Runner);
        return spec;
    }
}

/// <summary>make STATIC=1: no dynamic section at all, and the same behaviour.</summary>
public sealed class StaticBinaryTests : BinaryVariantTests
{
    protected override string BinDir => PackagingEnvironment.StaticBinDir;
    protected override string[] Runner => [];
    protected override void RequireVariant() => PackagingEnvironment.RequireBinaries(BinDir, "make variants (STATIC=1 ./build.sh)");

    [SkippableFact]
    public void Binaries_have_no_dynamic_section_and_no_interpreter()
    {
        RequireVariant();
        PackagingEnvironment.RequireTool("readelf", "binutils");
        foreach (string d in PackagingEnvironment.Daemons)
        {
            string path = Path.Combine(BinDir, d);
            CommandResult dyn = Command.Run("readelf", "-d", path);
            Assert.Contains("There is no dynamic section in this file.", dyn.Stdout);
            CommandResult headers = Command.Run("readelf", "-lW", path);
            Assert.Equal(0, headers.ExitCode);
            Assert.DoesNotContain("INTERP", headers.Stdout);
            Assert.DoesNotContain("DYNAMIC", headers.Stdout);
            Assert.Contains("static=1", File.ReadAllText(Path.Combine(BinDir, "build-settings")));
        }
    }
}

/// <summary>RID=linux-arm64: cross-compiled on x64, run under qemu-user.</summary>
public sealed class Arm64BinaryTests : BinaryVariantTests
{
    const string Sysroot = "/usr/aarch64-linux-gnu";

    protected override string BinDir => PackagingEnvironment.Arm64BinDir;
    protected override string[] Runner => ["qemu-aarch64", "-L", Sysroot];

    protected override void RequireVariant()
    {
        PackagingEnvironment.RequireTool("qemu-aarch64", "qemu-user");
        PackagingEnvironment.Require(File.Exists(Sysroot + "/lib/ld-linux-aarch64.so.1"), "the arm64 glibc in " + Sysroot + " (apt-get install libc6-arm64-cross)");
        PackagingEnvironment.RequireBinaries(BinDir, "make variants (RID=linux-arm64 ./build.sh)");
    }

    [SkippableFact]
    public void Binaries_are_aarch64_elf_linked_against_glibc_only()
    {
        RequireVariant();
        PackagingEnvironment.RequireTool("readelf", "binutils");
        foreach (string d in PackagingEnvironment.Daemons)
        {
            string path = Path.Combine(BinDir, d);
            Assert.Contains("AArch64", Command.Run("readelf", "-h", path).Stdout);
            var needed = Command.Run("readelf", "-d", path).Stdout.Split('\n')
                .Where(l => l.Contains("(NEEDED)")).Select(l => l[(l.IndexOf('[') + 1)..l.IndexOf(']')]).Order().ToArray();
            Assert.Equal(new[] { "ld-linux-aarch64.so.1", "libc.so.6", "libm.so.6" }, needed);
        }
    }
}
