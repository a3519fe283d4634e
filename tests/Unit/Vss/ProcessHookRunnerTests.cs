using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HvDaemons.Os;
using HvDaemons.Vss.Hooks;
using Xunit;

namespace HvDaemons.Tests.Vss;

/// <summary>Real hook processes: what they get and how they end.</summary>
public sealed class ProcessHookRunnerTests : IDisposable
{
    readonly HookFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void AHookGetsItsPhaseOnlyPathNoStdinAndItsOwnProcessGroup()
    {
        Environment.SetEnvironmentVariable("HVD_HOOK_LEAK", "secret");
        try
        {
            string hook = _folder.Add("10-env", "#!/bin/sh\necho \"arg=$1 argc=$#\"\nenv | sort\n"
                                                + "if read line; then echo stdin=data; else echo stdin=eof; fi\n"
                                                + "read -r pid comm state ppid pgrp sid rest < /proc/$$/stat\n"
                                                + "[ \"$pgrp\" = \"$$\" ] && [ \"$sid\" = \"$$\" ] && echo own-group\n"
                                                + "echo oops >&2\nexit 0\n");
            ChildResult r = new ProcessHookRunner().Run(hook, "freeze", 10_000);
            Assert.True(r.Succeeded, r.Describe() + "\n" + r.Output);
            string[] lines = r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            Assert.Equal("arg=freeze argc=1", lines[0]);
            // The shell adds PWD (and SHLVL); nothing comes from the daemon's environment.
            Assert.Contains("PATH=/usr/sbin:/usr/bin:/sbin:/bin", lines);
            Assert.DoesNotContain(lines, l => l.StartsWith("HVD_HOOK_LEAK", StringComparison.Ordinal));
            Assert.DoesNotContain(lines, l => l.StartsWith("HOME=", StringComparison.Ordinal));
            Assert.Contains("stdin=eof", lines);
            Assert.Contains("own-group", lines);
            Assert.Equal("oops", lines[^1]);   // stderr is captured with stdout
        }
        finally
        {
            Environment.SetEnvironmentVariable("HVD_HOOK_LEAK", null);
        }
    }

    [Fact]
    public void ANonZeroExitIsAFailure()
    {
        ChildResult r = new ProcessHookRunner().Run(_folder.Add("10-fail", "#!/bin/sh\necho no\nexit 7\n"), "thaw", 10_000);
        Assert.False(r.Succeeded);
        Assert.Equal((7, "no\n"), (r.ExitStatus, r.Output));
    }

    [Fact]
    public void ATimeoutKillsTheHookAndEverythingItStarted()
    {
        // The background child keeps stdout open; only killing the whole group ends it.
        string marker = Path.Combine(_folder.Path, "hvd-sleep-" + Guid.NewGuid().ToString("N")[..8]);
        File.CreateSymbolicLink(marker, "/usr/bin/sleep");
        string hook = _folder.Add("10-slow", "#!/bin/sh\n" + marker + " 120 &\nexec sleep 121\n");
        var watch = Stopwatch.StartNew();
        ChildResult r = new ProcessHookRunner().Run(hook, "freeze", 500);
        Assert.True(r.TimedOut, r.Describe());
        Assert.False(r.Succeeded);
        Assert.True(watch.ElapsedMilliseconds < 10_000, watch.ElapsedMilliseconds + " ms");
        // SIGKILL reaches the group at once; give the kernel a moment to reap the orphan.
        for (int i = 0; i < 100 && Running(marker); i++) System.Threading.Thread.Sleep(20);
        Assert.False(Running(marker), "the hook's background child survived the timeout");
    }

    static bool Running(string marker) => Directory.GetDirectories("/proc").Any(d =>
    {
        try { return File.ReadAllText(Path.Combine(d, "cmdline")).StartsWith(marker + "\0", StringComparison.Ordinal); }
        catch (IOException) { return false; }
        catch (UnauthorizedAccessException) { return false; }
    });
}
