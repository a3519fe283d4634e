using System;
using System.Collections.Generic;
using HvDaemons.HostSim.Kernel;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>Bringing a unit into a known state before a test, with what systemd and the host report.</summary>
public static class UnitLifecycle
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(20);

    public static readonly string[] State = ["ActiveState", "SubState", "NRestarts", "MainPID", "Result"];

    public static bool Running(Dictionary<string, string> v) => v["ActiveState"] == "active" && v["SubState"] == "running";

    public static bool Inactive(Dictionary<string, string> v) => v["ActiveState"] is "inactive" or "failed";

    /// <summary>Stops the unit and waits until the host sees the device released.</summary>
    public static void Stopped(BootedContainer c, DaemonUnit d)
    {
        SimService s = d.Service(c.Host.Kernel);
        CommandResult r = c.Systemctl("stop", d.Unit);
        Assert.True(r.ExitCode == 0, "systemctl stop " + d.Unit + ": " + r.Describe() + "\n" + c.Describe(d.Unit));
        c.Systemctl("reset-failed", d.Unit);
        Assert.True(s.WaitClosed(Wait), d.Device + " still open after stop\n" + c.Describe(d.Unit));
    }

    /// <summary>Starts the unit from stopped and waits for active (running) and a registration on the host.</summary>
    public static Dictionary<string, string> Started(BootedContainer c, DaemonUnit d)
    {
        Stopped(c, d);
        SimService s = d.Service(c.Host.Kernel);
        int before = s.Registrations;
        CommandResult r = c.Systemctl(60, "start", d.Unit);
        Assert.True(r.ExitCode == 0, "systemctl start " + d.Unit + ": " + r.Describe() + "\n" + c.Describe(d.Unit));
        Assert.True(s.WaitRegistrations(before + 1, Wait), d.Device + " saw no registration\n" + string.Join('\n', s.History) + "\n" + c.Describe(d.Unit));
        Dictionary<string, string> v = c.WaitShow(d.Unit, Running, Wait, State);
        Assert.True(Running(v), d.Unit + " not active (running): " + Format(v) + "\n" + c.Describe(d.Unit));
        return v;
    }

    public static string Format(Dictionary<string, string> v)
    {
        var parts = new List<string>();
        foreach (var (k, val) in v) parts.Add(k + "=" + val);
        return string.Join(' ', parts);
    }
}
