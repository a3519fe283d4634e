using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using HvDaemons.Daemon;
using HvDaemons.Os;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>A helper script is never waited on deafly: a stop kills its whole process group at once.</summary>
public class ScriptStopTests
{
    [Fact]
    public void AStopKillsTheScriptAndWhatItStartedAtOnce()
    {
        using var t = new TempPools();
        string pids = Path.Combine(t.Root, "pids");
        string script = t.Script("hv_get_dns_info", $"#!/bin/sh\nsleep 60 &\necho $$ $! > '{pids}'\nsleep 60\n");
        using var stop = new StopSignal(handleSignals: false);
        using var timer = new Timer(_ => stop.Request("test"), null, 300, Timeout.Infinite);
        var sw = Stopwatch.StartNew();
        ChildResult r = ChildProcess.Run(script, [script, "eth0"], 30_000, stopFd: stop.Fd);
        Assert.InRange(sw.ElapsedMilliseconds, 250, 10_000);   // not the 30 s timeout nor the 60 s script
        Assert.True(r.Stopped);
        Assert.False(r.TimedOut);
        Assert.False(r.Succeeded);
        Assert.Equal("killed because the daemon is stopping", r.Describe());
        foreach (string pid in File.ReadAllText(pids).Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            Assert.True(Gone(int.Parse(pid)), "process " + pid + " of the script's group survived");
    }

    [Fact]
    public void WithoutAStopTheTimeoutStillKillsTheGroup()
    {
        using var t = new TempPools();
        string script = t.Script("hv_get_dns_info", "#!/bin/sh\nsleep 60\n");
        var sw = Stopwatch.StartNew();
        ChildResult r = ChildProcess.Run(script, [script], 300);
        Assert.InRange(sw.ElapsedMilliseconds, 250, 20_000);   // not the 60 s script
        Assert.True(r.TimedOut);
        Assert.False(r.Stopped);
    }

    /// <summary>No such process, or only a zombie waiting for its new parent.</summary>
    static bool Gone(int pid)
    {
        for (int i = 0; i < 100; i++)
        {
            string stat = "/proc/" + pid + "/stat";
            if (!File.Exists(stat)) return true;
            try
            {
                string s = File.ReadAllText(stat);
                if (s[(s.LastIndexOf(')') + 2)..].StartsWith('Z')) return true;
            }
            catch (IOException) { return true; }
            Thread.Sleep(20);
        }
        return false;
    }
}
