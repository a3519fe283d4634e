using Xunit;

namespace HvDaemons.Systemd;

/// <summary>The unit starts the daemon under the container's systemd and the host sees it register.</summary>
[Collection(ContainerCollection.Name)]
public sealed class UnitStartTests(ContainerFixture containers)
{
    [SkippableTheory]
    [MemberData(nameof(DaemonUnit.Cases), MemberType = typeof(DaemonUnit))]
    public void Start_RunsTheDaemonAndItRegisters(string release, string daemon)
    {
        BootedContainer c = containers.Get(release);
        DaemonUnit d = DaemonUnit.Named(daemon);
        var v = UnitLifecycle.Started(c, d);
        // The main process systemd tracks is our daemon (comm is the binary's name).
        CommandResult comm = c.Exec(10, "cat", "/proc/" + v["MainPID"] + "/comm");
        Assert.Equal(d.Name, comm.Stdout.Trim());
    }
}
