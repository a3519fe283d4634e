using System;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Tmds.Linux;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>Daemon mode (no -n) and syslog, on the published binary: the parent starts itself
/// again in a new session with stdio on /dev/null and exits 0; the child registers and serves
/// and logs RFC 3164 lines with upstream's ident.</summary>
public sealed class DetachTests
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [SkippableFact]
    public void Without_no_daemon_the_parent_exits_0_and_a_detached_child_serves()
    {
        BlackBoxEnvironment.RequireSandbox();
        var host = new SimHost();
        var spec = new SandboxSpec(BlackBoxEnvironment.Daemon("hv_vss_daemon"));   // no -n
        using Sandbox sb = Sandbox.Start(host, spec);
        int child = 0;
        try
        {
            Assert.Equal(0, sb.WaitForExit(Bound));
            Assert.True(host.Kernel.Vss.WaitReady(Bound), sb.Describe());
            string open = host.Kernel.Vss.History.First(l => l.StartsWith("open by pid ", StringComparison.Ordinal));
            child = int.Parse(Regex.Match(open, @"open by pid (\d+)").Groups[1].Value);
            Assert.NotEqual(sb.Pid, child);

            // The child leads its own session and has no terminal-bound stdio.
            string stat = File.ReadAllText("/proc/" + child + "/stat");
            string[] fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            Assert.Equal(child.ToString(), fields[3]);   // session id (field 6 of stat)
            foreach (int fd in new[] { 0, 1, 2 })
                Assert.Equal("/dev/null", new FileInfo("/proc/" + child + "/fd/" + fd).LinkTarget);
            string cmdline = File.ReadAllText("/proc/" + child + "/cmdline");
            Assert.Equal(spec.Program + "\0-n\0", cmdline);

            VssReply reply = host.Vss.HotBackup(Bound);
            Assert.Equal(AnswerSource.Daemon, reply.Source);
            Assert.Equal(HvStatus.S_OK, reply.Status);

            SyslogLineAssert(sb, child);
        }
        finally
        {
            if (child > 0) StopChild(child);
        }
    }

    /// <summary>
    /// "--" ends getopt's options, so a -n put after the arguments is never seen and each child
    /// detaches again, without end. Run in a pid namespace of its own (pid 1 a shell that outlives
    /// the parent), where pids are handed out in order: the highest pid tells how many processes
    /// were ever made, and the namespace dies with the test even if the daemon runs away.
    /// </summary>
    [SkippableTheory]
    [InlineData("--")]
    [InlineData("--", "after-the-end")]
    [InlineData("not-an-option", "another")]
    public void Detaching_puts_no_daemon_where_getopt_sees_it_whatever_the_arguments(params string[] args)
    {
        BlackBoxEnvironment.RequireSandbox();
        string daemon = BlackBoxEnvironment.Daemon("hv_vss_daemon");
        const string script = """
            "$@"; echo "parent-exit $?"
            sleep 2
            max=0; for p in /proc/[0-9]*; do n=${p#/proc/}; [ "$n" -gt "$max" ] && max=$n; done
            echo "max-pid $max"
            for p in /proc/[0-9]*; do [ "$p" = /proc/1 ] || [ "$p" = "/proc/$$" ] || echo "process ${p#/proc/} $(tr '\0' ' ' <"$p/cmdline")"; done
            echo listed
            exec sleep 60
            """;
        var spec = new SandboxSpec("/bin/sh", ["-c", script, "sh", daemon, .. args]);
        spec.ExecPrefix.AddRange(["unshare", "--pid", "--fork", "--kill-child", "--mount-proc"]);
        var host = new SimHost();
        using Sandbox sb = Sandbox.Start(host, spec);
        for (int i = 0; i < 200 && !sb.Output.Contains("listed") && !sb.HasExited; i++) Thread.Sleep(50);
        string output = string.Join("\n", sb.Output);
        Assert.Contains("parent-exit 0", sb.Output);
        Assert.True(host.Kernel.Vss.WaitReady(Bound), output + "\n" + sb.Describe());

        // The shell, the parent and the detached child, each .NET process with a handful of
        // threads (thread ids come from the same counter): a few dozen ids at most. The
        // relaunch loop made over a thousand in this time.
        string max = sb.Output.Single(l => l.StartsWith("max-pid ", StringComparison.Ordinal));
        Assert.True(int.Parse(max["max-pid ".Length..]) <= 40, "processes were made without end:\n" + output);
        string child = sb.Output.Single(l => l.StartsWith("process ", StringComparison.Ordinal) && l.Contains(daemon, StringComparison.Ordinal));
        Assert.EndsWith(daemon + " -n " + string.Join(" ", args) + " ", child);
        Assert.Equal(1, host.Kernel.Vss.Registrations);
    }

    static void SyslogLineAssert(Sandbox sb, int child)
    {
        var started = sb.Log.WaitFor(l => l.Message == "VSS starting; pid is:" + child, Bound);
        Assert.NotNull(started);
        Assert.Equal("Hyper-V VSS", started!.Ident);
        Assert.Equal((1 << 3) | 6, started.Priority);   // LOG_USER | LOG_INFO
    }

    /// <summary>The child is ours (we started its parent); end it by pid and wait until it is gone.</summary>
    static void StopChild(int pid)
    {
        if (LibC.kill(pid, LibC.SIGTERM) != 0) return;
        for (int i = 0; i < 200 && Directory.Exists("/proc/" + pid); i++) Thread.Sleep(50);
        if (Directory.Exists("/proc/" + pid)) LibC.kill(pid, LibC.SIGKILL);
    }
}
