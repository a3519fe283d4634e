using System.Collections.Generic;
using HvDaemons.HostSim.Kernel;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>IgnoreOnIsolate=yes: udev starts the daemons, so an isolate must not stop them
/// (nothing would start them again until the next device event).</summary>
[Collection(ContainerCollection.Name)]
public sealed class IsolateTests(ContainerFixture containers)
{
    [SkippableTheory]
    [MemberData(nameof(DaemonUnit.Cases), MemberType = typeof(DaemonUnit))]
    public void Isolate_LeavesTheDaemonRunning(string release, string daemon)
    {
        BootedContainer c = containers.Get(release);
        DaemonUnit d = DaemonUnit.Named(daemon);
        SimService s = d.Service(c.Host.Kernel);
        Dictionary<string, string> before = UnitLifecycle.Started(c, d);
        int opens = s.Opens;
        try
        {
            CommandResult isolate = c.Systemctl(60, "isolate", "rescue.target");
            Assert.True(isolate.ExitCode == 0, "isolate rescue.target: " + isolate.Describe());
            Dictionary<string, string> v = c.Show(d.Unit, UnitLifecycle.State);
            Assert.True(UnitLifecycle.Running(v) && v["MainPID"] == before["MainPID"] && v["NRestarts"] == before["NRestarts"],
                        "after isolate rescue.target: " + UnitLifecycle.Format(v) + "\n" + c.Describe(d.Unit));
        }
        finally
        {
            CommandResult back = c.Systemctl(60, "isolate", "default.target");
            Assert.True(back.ExitCode == 0, "isolate default.target: " + back.Describe());
        }
        // Same daemon, same open device: the host saw no release and no second open.
        Assert.Equal(opens, s.Opens);
        Assert.Equal(ServiceState.Ready, s.State);
        Assert.True(UnitLifecycle.Running(c.Show(d.Unit, UnitLifecycle.State)));
    }
}
