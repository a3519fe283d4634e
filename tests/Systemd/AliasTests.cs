using System.Collections.Generic;
using HvDaemons.HostSim.Kernel;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>The distributions' service names (Fedora/RHEL/Azure Linux, Ubuntu, Debian) that
/// `make install` links resolve to our units: systemctl status shows ours, and a restart
/// through the alias restarts our daemon (the host sees it register again).</summary>
[Collection(ContainerCollection.Name)]
public sealed class AliasTests(ContainerFixture containers)
{
    [SkippableTheory]
    [MemberData(nameof(DaemonUnit.Cases), MemberType = typeof(DaemonUnit))]
    public void Aliases_ResolveToOurUnit(string release, string daemon)
    {
        BootedContainer c = containers.Get(release);
        DaemonUnit d = DaemonUnit.Named(daemon);
        SimService s = d.Service(c.Host.Kernel);
        UnitLifecycle.Started(c, d);
        foreach (string alias in d.Aliases)
        {
            Dictionary<string, string> v = c.Show(alias, "Id", "ActiveState", "SubState");
            Assert.True(v["Id"] == d.Unit && UnitLifecycle.Running(v), alias + ": " + UnitLifecycle.Format(v));
            CommandResult status = c.Systemctl("status", alias);
            Assert.True(status.ExitCode == 0 && status.Stdout.Contains(d.Unit) && status.Stdout.Contains("active (running)"),
                        "systemctl status " + alias + ": " + status.Describe());

            int registrations = s.Registrations;
            CommandResult restart = c.Systemctl(60, "restart", alias);
            Assert.True(restart.ExitCode == 0, "systemctl restart " + alias + ": " + restart.Describe());
            Assert.True(s.WaitRegistrations(registrations + 1, UnitLifecycle.Wait), alias + ": no new registration\n" + c.Describe(d.Unit));
        }
    }
}
