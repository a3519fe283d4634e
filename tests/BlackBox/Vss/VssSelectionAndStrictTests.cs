using System;
using System.Collections.Generic;
using System.Linq;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;
using static HvDaemons.BlackBox.Vss.VssFreezeRoot;

namespace HvDaemons.BlackBox.Vss;

/// <summary>
/// vss.conf in the root's own /etc, read by the published hv_vss_daemon: include/exclude
/// choose what FREEZE freezes; strict mode refuses CHECK and FREEZE while a writable
/// filesystem that cannot be frozen is mounted. The honest unfreezable filesystem is the
/// sandbox's own FUSE mount at /dev/vmbus (the simulated device, writable, no block device).
/// </summary>
public class VssSelectionAndStrictTests
{
    static FreezeRoot Start(string conf, string confPath = "/etc/hyperv/vss.conf", params RootMount[] more)
    {
        var env = confPath == "/etc/hyperv/vss.conf" ? null : new Dictionary<string, string> { ["HV_VSS_CONFIG"] = confPath };
        return VssFreezeRoot.Start(new RootMount[] { new RootMount.Zram("/mnt/second", "xfs") }.Concat(more), env,
                                   new RootFiles().File(confPath, conf).Lines);
    }

    [SkippableTheory]
    [InlineData("exclude-mount = /mnt/second\n", "free", "frozen", "/mnt/second (xfs, left out by /etc/hyperv/vss.conf)")]
    [InlineData("exclude-fstype = x*\n", "free", "frozen", "/mnt/second (xfs, left out by /etc/hyperv/vss.conf)")]
    [InlineData("include-mount = /mnt/*\n", "frozen", "free", "/ (ext4, left out by /etc/hyperv/vss.conf)")]
    public void Include_and_exclude_choose_what_is_frozen(string conf, string second, string rootFs, string named)
    {
        using FreezeRoot root = Start("# test\n" + conf + "frozen = everything\n");
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        Assert.Equal(second, root.Probe("/mnt/second"));
        Assert.Equal(rootFs, root.Probe("/"));
        // The left-out filesystem takes writes while the other is frozen.
        using (NamespaceProcess writer = root.StartWriter(second == "free" ? "/mnt/second/a" : "/a")) AssertFinishes(writer, root);
        AssertDaemonReply(root.Host.Vss.Thaw(), HvStatus.S_OK, root);
        Assert.Equal("free", root.Probe(second == "free" ? "/" : "/mnt/second"));

        string[] logs = Logs(root);
        // The bad line is named by file and line; the rest of the file still applies.
        Assert.Contains("<3> /etc/hyperv/vss.conf:3: unknown key \"frozen\"; line ignored", logs);
        string notFrozen = logs.Single(l => l.StartsWith("<6> VSS: not frozen", StringComparison.Ordinal));
        Assert.Contains(named, notFrozen);
    }

    [SkippableFact]
    public void Strict_mode_refuses_CHECK_and_FREEZE_naming_the_unfreezable_mount_and_freezes_nothing()
    {
        using FreezeRoot root = Start("strict = yes\n", "/etc/hyperv/strict.conf", new RootMount.Tmpfs("/mnt/tmp"));
        AssertDaemonReply(root.Host.Vss.HotBackup(), HvStatus.E_FAIL, root);
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.E_FAIL, root);
        using (NamespaceProcess writer = root.StartWriter("/mnt/second/a")) AssertFinishes(writer, root);
        Assert.Equal("free", root.Probe("/mnt/second"));
        Assert.Equal("free", root.Probe("/"));

        const string line = "<3> VSS: strict mode: writable but cannot be frozen: /dev/vmbus (fuse, no block device); "
                            + "exclude it in /etc/hyperv/strict.conf or set strict = no";
        string[] logs = Logs(root);
        // One line per request, naming the FUSE mount only: tmpfs holds nothing a snapshot could catch.
        Assert.Equal(2, logs.Count(l => l == line));
        Assert.Equal(line, logs[Array.IndexOf(logs, "<6> VSS: op=CHECK HOT BACKUP") + 1]);
        Assert.Contains("<6> VSS: op=FREEZE: failed", logs);
    }

    [SkippableFact]
    public void Strict_mode_passes_once_the_unfreezable_mount_is_excluded()
    {
        using FreezeRoot root = Start("strict = yes\nexclude-mount = /dev/vmbus\n", more: new RootMount.Tmpfs("/mnt/tmp"));
        AssertDaemonReply(root.Host.Vss.HotBackup(), HvStatus.S_OK, root);
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        Assert.Equal("frozen", root.Probe("/mnt/second"));
        AssertDaemonReply(root.Host.Vss.Thaw(), HvStatus.S_OK, root);
        Assert.DoesNotContain(Logs(root), l => l.Contains("strict mode", StringComparison.Ordinal));
    }
}
