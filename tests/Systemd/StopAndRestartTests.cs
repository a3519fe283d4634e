using System.Collections.Generic;
using System.Linq;
using HvDaemons.HostSim.Kernel;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>systemctl stop ends the daemon cleanly and the host sees the device released;
/// Restart=on-failure brings a killed daemon back and it registers again.</summary>
[Collection(ContainerCollection.Name)]
public sealed class StopAndRestartTests(ContainerFixture containers)
{
    [SkippableTheory]
    [MemberData(nameof(DaemonUnit.Cases), MemberType = typeof(DaemonUnit))]
    public void Stop_ExitsZeroAndTheHostSeesTheRelease(string release, string daemon)
    {
        BootedContainer c = containers.Get(release);
        DaemonUnit d = DaemonUnit.Named(daemon);
        SimService s = d.Service(c.Host.Kernel);
        UnitLifecycle.Started(c, d);
        int seen = s.History.Count;

        CommandResult stop = c.Systemctl("stop", d.Unit);
        Assert.True(stop.ExitCode == 0, "systemctl stop: " + stop.Describe() + "\n" + c.Describe(d.Unit));
        Assert.True(s.WaitClosed(UnitLifecycle.Wait), d.Device + " still open\n" + c.Describe(d.Unit));
        Assert.Contains("release", s.History.Skip(seen));
        // A clean stop: exit status 0 after SIGTERM, so systemd records success, not a failure.
        Dictionary<string, string> v = c.Show(d.Unit, "ActiveState", "SubState", "Result", "ExecMainStatus", "MainPID");
        Assert.True(v["ActiveState"] == "inactive" && v["Result"] == "success" && v["ExecMainStatus"] == "0" && v["MainPID"] == "0",
                    UnitLifecycle.Format(v) + "\n" + c.Describe(d.Unit));
    }

    [SkippableTheory]
    [MemberData(nameof(DaemonUnit.Cases), MemberType = typeof(DaemonUnit))]
    public void Sigkill_IsRestartedAndRegistersAgain(string release, string daemon)
    {
        BootedContainer c = containers.Get(release);
        DaemonUnit d = DaemonUnit.Named(daemon);
        SimService s = d.Service(c.Host.Kernel);
        Dictionary<string, string> before = UnitLifecycle.Started(c, d);
        int registrations = s.Registrations;
        int restarts = int.Parse(before["NRestarts"]);

        CommandResult kill = c.Systemctl("kill", "--signal=SIGKILL", "--kill-who=main", d.Unit);
        Assert.True(kill.ExitCode == 0, kill.Describe());
        Assert.True(s.WaitRegistrations(registrations + 1, UnitLifecycle.Wait),
                    "no new registration after SIGKILL\n" + string.Join('\n', s.History.TakeLast(15)) + "\n" + c.Describe(d.Unit));
        Dictionary<string, string> after = c.WaitShow(d.Unit, v => UnitLifecycle.Running(v) && v["NRestarts"] != before["NRestarts"],
                                                      UnitLifecycle.Wait, UnitLifecycle.State);
        Assert.True(UnitLifecycle.Running(after) && after["NRestarts"] == (restarts + 1).ToString() && after["MainPID"] != before["MainPID"],
                    "before: " + UnitLifecycle.Format(before) + "\nafter: " + UnitLifecycle.Format(after) + "\n" + c.Describe(d.Unit));
        // The kill released the device once and the new daemon opened it again.
        Assert.True(s.WaitReady(UnitLifecycle.Wait), string.Join('\n', s.History.TakeLast(15)));
    }
}
