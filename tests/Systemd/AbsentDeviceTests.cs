using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using HvDaemons.HostSim.Kernel;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>
/// Started where its device does not exist (a confidential VM has no KVP channel, "Guest
/// services" off removes fcopy), the unit's start succeeds, the daemon logs one line and exits
/// 0 (no error line), and Restart=on-failure does not turn that into a loop. The device is hidden from the one
/// unit by a runtime drop-in (an empty /dev/vmbus, and an empty /sys/bus so fcopy finds no
/// VMBus device either).
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class AbsentDeviceTests(ContainerFixture containers)
{
    [SkippableTheory]
    [MemberData(nameof(DaemonUnit.Cases), MemberType = typeof(DaemonUnit))]
    public void WithoutItsDevice_TheUnitEndsCleanlyWithOneLogLine(string release, string daemon)
    {
        BootedContainer c = containers.Get(release);
        DaemonUnit d = DaemonUnit.Named(daemon);
        SimService s = d.Service(c.Host.Kernel);
        UnitLifecycle.Stopped(c, d);
        int opens = s.Opens;
        string dropIn = "/run/systemd/system/" + d.Unit + ".d/no-device.conf";
        CommandResult write = c.Exec(10, "sh", "-c",
            "mkdir -p \"${0%/*}\" && printf '[Service]\\nTemporaryFileSystem=/dev/vmbus:ro /sys/bus:ro\\n' > \"$0\"", dropIn);
        Assert.True(write.ExitCode == 0, write.Describe());
        try
        {
            Assert.Equal(0, c.Systemctl("daemon-reload").ExitCode);
            // Where the journal ends now: the lines after it are this start's.
            string tail = c.Exec(10, "journalctl", "-n", "1", "-o", "cat", "--show-cursor").Stdout.TrimEnd();
            string cursor = tail[(tail.LastIndexOf("-- cursor: ", StringComparison.Ordinal) + 11)..];

            CommandResult start = c.Systemctl(60, "start", d.Unit);
            Assert.True(start.ExitCode == 0, "systemctl start without the device: " + start.Describe() + "\n" + c.Describe(d.Unit));
            string[] props = ["ActiveState", "SubState", "Result", "ExecMainStatus", "NRestarts"];
            Dictionary<string, string> v = c.WaitShow(d.Unit, UnitLifecycle.Inactive, UnitLifecycle.Wait, props);
            // Longer than RestartSec=2s: a failed exit would have been restarted by now.
            Thread.Sleep(3000);
            v = c.Show(d.Unit, props);
            Assert.True(v["ActiveState"] == "inactive" && v["Result"] == "success" && v["ExecMainStatus"] == "0" && v["NRestarts"] == "0",
                        UnitLifecycle.Format(v) + "\n" + c.Describe(d.Unit));

            c.Exec(10, "journalctl", "--sync");
            // Everything logged since: only this unit ran meanwhile. (Not matched by _SYSTEMD_UNIT=:
            // journald derives that from /proc, which a daemon this quick may have left already.)
            string[] run = ["--after-cursor=" + cursor, "-o", "cat"];
            CommandResult log = c.Exec(10, "journalctl", run);
            string[] lines = log.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
            Assert.True(lines.Count(l => l.Contains("nothing to serve", StringComparison.Ordinal)) == 1,
                        "the daemon's log without its device:\n" + log.Describe() + "\n" + c.Describe(d.Unit));
            CommandResult errors = c.Exec(10, "journalctl", [.. run, "-p", "err"]);
            Assert.True(errors.Stdout.Trim().Length == 0, "error lines for a missing device:\n" + errors.Stdout);
            Assert.Equal(opens, s.Opens);
        }
        finally
        {
            c.Exec(10, "rm", "-f", dropIn);
            c.Systemctl("daemon-reload");
            c.Systemctl("reset-failed", d.Unit);
        }
    }
}
