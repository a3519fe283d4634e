using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Threading;
using HvDaemons.HostSim.Kernel;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>Type=notify: systemd reports the unit active (running) only once the daemon has read
/// the kernel's registration reply, so units ordered after it find a registered daemon.</summary>
[Collection(ContainerCollection.Name)]
public sealed class ReadinessTests(ContainerFixture containers)
{
    [SkippableTheory]
    [MemberData(nameof(DaemonUnit.Cases), MemberType = typeof(DaemonUnit))]
    public void Unit_IsActivatingUntilTheRegistrationReplyIsRead(string release, string daemon)
    {
        BootedContainer c = containers.Get(release);
        DaemonUnit d = DaemonUnit.Named(daemon);
        SimService s = d.Service(c.Host.Kernel);
        UnitLifecycle.Stopped(c, d);
        int registrations = s.Registrations;
        int seen = s.History.Count;
        s.HoldRegistrationReplies = true;
        try
        {
            CommandResult start = c.Systemctl("start", "--no-block", d.Unit);
            Assert.True(start.ExitCode == 0, start.Describe());
            // The daemon has opened the device and written its registration; the reply waits.
            Assert.True(s.WaitUntil(x => x.History.Skip(seen).Any(l => l == "registration reply held"), UnitLifecycle.Wait),
                        "no registration reached the host\n" + string.Join('\n', s.History.Skip(seen)) + "\n" + c.Describe(d.Unit));
            // Watch for a while: a premature READY=1 would turn it active in the meantime.
            var watch = Stopwatch.StartNew();
            Dictionary<string, string> v;
            do
            {
                v = c.Show(d.Unit, UnitLifecycle.State);
                Assert.True(v["ActiveState"] == "activating" && v["SubState"] == "start",
                            d.Unit + " must wait for the registration reply: " + UnitLifecycle.Format(v) + "\n" + c.Describe(d.Unit));
                Thread.Sleep(100);
            } while (watch.ElapsedMilliseconds < 1500);
            Assert.Equal(registrations, s.Registrations);
            // What `systemctl status` shows meanwhile names the device, and no registration yet.
            string waiting = c.Show(d.Unit, "StatusText")["StatusText"];
            Assert.True(waiting.Contains(d.Device) && !waiting.StartsWith("registered", System.StringComparison.Ordinal), "StatusText=" + waiting);
        }
        finally
        {
            s.HoldRegistrationReplies = false;
            s.ReleaseRegistrationReply();
        }
        Assert.True(s.WaitRegistrations(registrations + 1, UnitLifecycle.Wait), string.Join('\n', s.History.Skip(seen)));
        Dictionary<string, string> after = c.WaitShow(d.Unit, UnitLifecycle.Running, UnitLifecycle.Wait, UnitLifecycle.State);
        Assert.True(UnitLifecycle.Running(after), d.Unit + " not active (running) after registration: " + UnitLifecycle.Format(after) + "\n" + c.Describe(d.Unit));
        Assert.StartsWith("registered, protocol", c.Show(d.Unit, "StatusText")["StatusText"]);
    }

    /// <summary>The check bites: as Type=simple (a runtime drop-in) the KVP unit is active while
    /// the registration reply is still held.</summary>
    [SkippableFact]
    public void TypeSimple_IsActiveBeforeRegistration()
    {
        BootedContainer c = containers.Get(DebianRelease.Bookworm.Codename);
        DaemonUnit d = DaemonUnit.Kvp;
        SimService s = d.Service(c.Host.Kernel);
        string dropIn = "/run/systemd/system/" + d.Unit + ".d/type-simple.conf";
        UnitLifecycle.Stopped(c, d);
        Assert.Equal(0, c.Exec(10, "sh", "-c", "mkdir -p \"${0%/*}\" && printf '[Service]\\nType=simple\\n' > \"$0\"", dropIn).ExitCode);
        int seen = s.History.Count;
        s.HoldRegistrationReplies = true;
        try
        {
            Assert.Equal(0, c.Systemctl("daemon-reload").ExitCode);
            Assert.Equal(0, c.Systemctl("start", d.Unit).ExitCode);
            Assert.True(s.WaitUntil(x => x.History.Skip(seen).Any(l => l == "registration reply held"), UnitLifecycle.Wait), c.Describe(d.Unit));
            Assert.True(UnitLifecycle.Running(c.Show(d.Unit, UnitLifecycle.State)));
        }
        finally
        {
            s.HoldRegistrationReplies = false;
            s.ReleaseRegistrationReply();
            c.Exec(10, "rm", "-f", dropIn);
            c.Systemctl("daemon-reload");
            UnitLifecycle.Stopped(c, d);
        }
    }
}
