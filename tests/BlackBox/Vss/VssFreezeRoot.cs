using System;
using System.Collections.Generic;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using Xunit;

namespace HvDaemons.BlackBox.Vss;

/// <summary>
/// The published hv_vss_daemon in a <see cref="FreezeRoot"/> (zram root, private namespace,
/// guard before exec) against a simulated host that may send FREEZE.
/// </summary>
static class VssFreezeRoot
{
    public static readonly TimeSpan Blocked = TimeSpan.FromMilliseconds(1500);
    public static readonly TimeSpan Finishes = TimeSpan.FromSeconds(30);

    public static FreezeRoot Start(IEnumerable<RootMount> mounts, IReadOnlyDictionary<string, string>? environment = null,
                                   IEnumerable<string>? rootSetup = null)
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.SkipIf(FreezeRoot.WhyUnavailable());
        string daemon = BlackBoxEnvironment.Daemon("hv_vss_daemon");
        var host = new SimHost(new SimKernelOptions { AllowFreeze = true });
        FreezeRoot root = FreezeRoot.Start(host, daemon, "ext4", mounts, environment, rootSetup);
        try
        {
            Assert.True(host.Kernel.Vss.WaitReady(TimeSpan.FromSeconds(30)), root.Describe());
            return root;
        }
        catch
        {
            Console.Error.WriteLine(root.Describe());
            root.Dispose();
            throw;
        }
    }

    /// <summary>The root on ext4 plus a second filesystem at /mnt/second, and <paramref name="more"/>.</summary>
    public static FreezeRoot TwoFilesystems(string secondFs = "xfs", params RootMount[] more)
        => Start(new RootMount[] { new RootMount.Zram("/mnt/second", secondFs) }.Concat(more));

    /// <summary>Syslog lines as "&lt;severity&gt; message".</summary>
    public static string[] Logs(FreezeRoot root)
        => root.Sandbox.Log.Lines.Select(l => "<" + l.Severity + "> " + l.Message).ToArray();

    public static void AssertDaemonReply(VssReply reply, uint status, FreezeRoot root)
        => Assert.True((HostOutcome.Answered, status, AnswerSource.Daemon) == (reply.Outcome, reply.Status, reply.Source),
                       $"reply {reply}, expected status {status:x} from the daemon\n{root.Describe()}");

    public static void AssertBlocked(NamespaceProcess writer, FreezeRoot root)
    {
        // The message is built only once it finished: Result waits for the writer.
        if (writer.Finished(Blocked)) Assert.Fail("the writer finished on a frozen filesystem: " + writer.Result + "\n" + root.Describe());
    }

    public static void AssertFinishes(NamespaceProcess writer, FreezeRoot root)
    {
        Assert.True(writer.Finished(Finishes), "the writer is still blocked\n" + root.Describe());
        Assert.Equal("exit 0: done", writer.Result);
    }
}
