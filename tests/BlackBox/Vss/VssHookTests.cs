using System;
using System.Linq;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;
using static HvDaemons.BlackBox.Vss.VssFreezeRoot;

namespace HvDaemons.BlackBox.Vss;

/// <summary>
/// Freeze hooks of the published hv_vss_daemon in a zram freeze root: scripts in the root's own
/// /etc/hyperv/fsfreeze-hook.d that write (with fsync) to the filesystems the daemon freezes. A
/// write that succeeds proves the filesystem was not frozen at that moment.
/// </summary>
public class VssHookTests
{
    static readonly TimeSpan LogWait = TimeSpan.FromSeconds(30);

    static FreezeRoot Start(RootFiles files, params RootMount[] more)
        => VssFreezeRoot.Start(new RootMount[] { new RootMount.Zram("/mnt/second", "xfs") }.Concat(more), null, files.Lines);

    static void WaitForLog(FreezeRoot root, string line)
        => Assert.True(root.Sandbox.Log.WaitFor(l => "<" + l.Severity + "> " + l.Message == line, LogWait) is not null,
                       "no log line " + line + "\n" + root.Describe());

    static int IndexOf(string[] logs, string line, FreezeRoot root)
    {
        int i = Array.IndexOf(logs, line);
        Assert.True(i >= 0, "no log line " + line + "\n" + root.Describe());
        return i;
    }

    [SkippableFact]
    public void A_hook_runs_freeze_and_writes_before_FREEZE_is_answered_and_thaw_after_THAW_and_writes_again()
    {
        using FreezeRoot root = Start(new RootFiles()
            .WritingHook("10-db", "/mnt/second/by-hook")
            .Hook("20-queue", "echo \"$1 on stderr\" >&2\n"));

        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        WaitForLog(root, "<6> VSS: op=FREEZE: succeeded");
        string[] logs = Logs(root);
        int wrote = IndexOf(logs, "<6> VSS hook 10-db: freeze: wrote /mnt/second/by-hook.freeze", root);
        int second = IndexOf(logs, "<6> VSS hook 20-queue: freeze on stderr", root);
        int answered = IndexOf(logs, "<6> VSS: op=FREEZE: succeeded", root);
        Assert.True(wrote < second && second < answered, string.Join("\n", logs));
        Assert.Equal("frozen", root.Probe("/mnt/second"));
        using NamespaceProcess writer = root.StartWriter("/mnt/second/a");
        AssertBlocked(writer, root);

        AssertDaemonReply(root.Host.Vss.Thaw(), HvStatus.S_OK, root);
        WaitForLog(root, "<6> VSS hook 10-db: thaw: wrote /mnt/second/by-hook.thaw");
        logs = Logs(root);
        // Reverse order, after the last FITHAW.
        Assert.True(IndexOf(logs, "<6> VSS: op=THAW: succeeded", root) < IndexOf(logs, "<6> VSS hook 20-queue: thaw on stderr", root));
        Assert.True(IndexOf(logs, "<6> VSS hook 20-queue: thaw on stderr", root)
                    < IndexOf(logs, "<6> VSS hook 10-db: thaw: wrote /mnt/second/by-hook.thaw", root));
        AssertFinishes(writer, root);
    }

    [SkippableFact]
    public void A_failing_freeze_hook_fails_FREEZE_and_nothing_is_frozen()
    {
        using FreezeRoot root = Start(new RootFiles()
            .WritingHook("10-db", "/mnt/second/by-hook")
            .Hook("20-fail", "echo not ready\nexit 3\n")
            .Hook("30-never", "echo ran $1\n"));

        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.E_FAIL, root);
        // Writes go through at once, on both filesystems.
        using (NamespaceProcess second = root.StartWriter("/mnt/second/a")) AssertFinishes(second, root);
        using (NamespaceProcess rootFs = root.StartWriter("/b")) AssertFinishes(rootFs, root);
        Assert.Equal("free", root.Probe("/mnt/second"));
        Assert.Equal("free", root.Probe("/"));

        WaitForLog(root, "<6> VSS: op=FREEZE: failed");
        string[] logs = Logs(root);
        int failed = IndexOf(logs, "<3> VSS: hook 20-fail freeze failed: exit status 3", root);
        Assert.Equal("<6> VSS hook 20-fail: not ready", logs[failed - 1]);
        // The hooks that ran get "thaw" (the failed one too), in reverse; 30-never never runs.
        Assert.True(failed < IndexOf(logs, "<6> VSS hook 10-db: thaw: wrote /mnt/second/by-hook.thaw", root));
        Assert.DoesNotContain(logs, l => l.Contains("30-never", StringComparison.Ordinal));
        Assert.Contains("<6> VSS hook 10-db: freeze: wrote /mnt/second/by-hook.freeze", logs);
    }

    [SkippableFact]
    public void A_hook_past_its_timeout_is_killed_and_fails_FREEZE()
    {
        using FreezeRoot root = Start(new RootFiles().WithSleep()
            .File("/etc/hyperv/vss.conf", "# a short timeout for the test\nhook-timeout = 2\n")
            .Hook("10-hang", "sleep 300 &\nexec sleep 301\n"));

        var watch = System.Diagnostics.Stopwatch.StartNew();
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.E_FAIL, root);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(20), watch.Elapsed.ToString());
        WaitForLog(root, "<3> VSS: hook 10-hang freeze failed: timed out after 2 s and was killed");
        using (NamespaceProcess writer = root.StartWriter("/mnt/second/a")) AssertFinishes(writer, root);
        // Its whole process group was killed: no sleep of the hook is left.
        Assert.DoesNotContain(System.IO.Directory.GetDirectories("/proc"), d => Cmdline(d).StartsWith("sleep\0300", StringComparison.Ordinal));
    }

    [SkippableFact]
    public void Only_root_owned_executables_that_only_root_can_write_run()
    {
        using FreezeRoot root = Start(new RootFiles()
            .Hook("10-group-writable", "echo ran\n", mode: "0775")
            .Hook("20-not-root", "echo ran\n", owner: "1000:1000")
            .Hook("30-not-executable", "echo ran\n", mode: "0644")
            .Hook("40-ok", "echo ran $1\n"));

        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        AssertDaemonReply(root.Host.Vss.Thaw(), HvStatus.S_OK, root);
        WaitForLog(root, "<6> VSS hook 40-ok: ran thaw");
        string[] logs = Logs(root);
        Assert.Contains("<3> VSS: hook " + RootFiles.HookDir + "/10-group-writable skipped: writable by group or others (mode 775)", logs);
        Assert.Contains("<3> VSS: hook " + RootFiles.HookDir + "/20-not-root skipped: owned by uid 1000, not root", logs);
        Assert.Contains("<3> VSS: hook " + RootFiles.HookDir + "/30-not-executable skipped: not executable (mode 644)", logs);
        Assert.Equal(new[] { "<6> VSS hook 40-ok: ran freeze", "<6> VSS hook 40-ok: ran thaw" },
                     logs.Where(l => l.StartsWith("<6> VSS hook ", StringComparison.Ordinal)));
    }

    [SkippableFact]
    public void SIGTERM_while_frozen_thaws_then_runs_the_thaw_hooks()
    {
        using FreezeRoot root = Start(new RootFiles().WritingHook("10-db", "/mnt/second/by-hook"));
        AssertDaemonReply(root.Host.Vss.Freeze(), HvStatus.S_OK, root);
        Assert.True(root.Sandbox.Terminate());
        Assert.Equal(0, root.Sandbox.WaitForExit(TimeSpan.FromSeconds(30)));
        string[] logs = Logs(root);
        Assert.True(IndexOf(logs, "<6> VSS: thawed 2 file system(s) before exit", root)
                    < IndexOf(logs, "<6> VSS hook 10-db: thaw: wrote /mnt/second/by-hook.thaw", root));
    }

    static string Cmdline(string procDir)
    {
        try { return System.IO.File.ReadAllText(System.IO.Path.Combine(procDir, "cmdline")); }
        catch (Exception e) when (e is System.IO.IOException or UnauthorizedAccessException) { return ""; }
    }
}
