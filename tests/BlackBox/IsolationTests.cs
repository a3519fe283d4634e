using System;
using System.IO;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>A sandbox changes nothing outside its namespace: no mounts appear in ours, and the
/// machine's /dev, /var/lib/hyperv and /usr/libexec/hypervkvpd stay as they were.</summary>
public sealed class IsolationTests
{
    static readonly string[] Watched = { "/dev/vmbus", "/dev/log", "/var/lib/hyperv", "/usr/libexec/hypervkvpd" };

    static string Snapshot()
    {
        var s = new System.Text.StringBuilder(File.ReadAllText("/proc/self/mountinfo"));
        foreach (string p in Watched)
            s.Append(p).Append(Directory.Exists(p) ? " dir " + string.Join(",", Directory.GetFileSystemEntries(p))
                                                   : File.Exists(p) ? " file" : " absent").Append('\n');
        return s.ToString();
    }

    [SkippableFact]
    public void A_running_and_a_finished_sandbox_leave_the_host_untouched()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_kvp_daemon");
        string before = Snapshot();
        var host = new SimHost();
        var spec = SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, "hv_kvp_daemon")
            .WithFile("/var/lib/hyperv/seeded", "x");
        using (Sandbox sb = Sandbox.Start(host, spec))
        {
            Assert.True(host.Kernel.Kvp.WaitReady(TimeSpan.FromSeconds(20)), sb.Describe());
            host.Kvp.Set(KvpPoolId.Guest, "k", "v");
            // Inside, the sandbox sees its own /var/lib/hyperv with the seeded file ...
            Assert.True(File.Exists("/proc/" + sb.Pid + "/root/var/lib/hyperv/seeded"), sb.Describe());
            Assert.True(File.Exists(sb.HostPath("/var/lib/hyperv/seeded")));
            // ... while this process's view has not changed.
            Assert.Equal(before, Snapshot());
        }
        Assert.Equal(before, Snapshot());
    }
}
