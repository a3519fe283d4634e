using System;
using System.IO;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>When the initramfs starts the daemon: init-premount (initramfs-tools) and
/// hv-kvp-wait-channel (dracut's ExecCondition=) against a fake /sys/bus and /dev in a private
/// mount namespace. No delay without VMBus; on Hyper-V only once the device node and the KVP
/// device's channel exist, bounded. How long a script waited is counted in its calls to a
/// logging stand-in for sleep(1), not timed: a loaded machine makes scripts slow, not wrong.</summary>
public sealed partial class InitramfsTests
{
    const string KvpClass = "a9a0f4e7-5a45-4d96-b827-8a841e8c03e6";
    const string KvpDevice = "/sys/bus/vmbus/devices/242ff919-07db-4180-9c2e-b86cb68c8c55";

    /// <summary>Shell lines that build the fake VMBus world; <paramref name="late"/> runs in
    /// the background, for what appears after the script started.</summary>
    sealed record World(string Now, string Late = "");

    static readonly World NoVmbus = new("");
    static readonly World Ready = new($"{KvpBus}; mkdir -p {KvpDevice}/channels/14; : >/dev/vmbus/hv_kvp");
    const string KvpBus = "mkdir -p " + KvpDevice + "; echo '{" + KvpClass + "}' >" + KvpDevice + "/class_id";

    /// <summary>Runs <paramref name="script"/> (repository path) in that world; returns the
    /// result, how many 0.1 s ticks the script slept, and whether the stand-in daemon was started.</summary>
    static (CommandResult Result, int Ticks, bool Started, string Modprobe) RunInWorld(TempTree t, string script, World world)
    {
        File.Delete(t["started"]);
        File.Delete(t["modprobe.log"]);
        File.Delete(t["sleep.log"]);
        string q(string s) => Command.Quote(s);
        string source = Path.Combine(PackagingEnvironment.RepoRoot, script);
        t.Write("functions", "log_warning_msg() { echo \"W: $*\" >&2; }\nlog_success_msg() { echo \"OK: $*\" >&2; }\n");
        t.Write("hv_kvp_daemon", "#!/bin/sh\nprintf '%s\\n' \"$*\" >" + q(t["started"]) + "\n", (UnixFileMode)0x1ed);
        t.Write("bin/modprobe", "#!/bin/sh\necho \"$*\" >>" + q(t["modprobe.log"]) + "\n", (UnixFileMode)0x1ed);
        // Sleeps for real (the late world needs the time to pass) and logs each call.
        t.Write("bin/sleep", "#!/bin/sh\necho \"$*\" >>" + q(t["sleep.log"]) + "\nexec /bin/sleep \"$@\"\n", (UnixFileMode)0x1ed);
        // The script under test, pointed at the stand-ins instead of the initramfs's own files.
        File.WriteAllText(t["under-test"], File.ReadAllText(source)
            .Replace("/scripts/functions", t["functions"]).Replace("/sbin/hv_kvp_daemon", t["hv_kvp_daemon"]));
        CommandResult r = Command.InMountNamespace($"""
            : >{q(t["null"])}; mount --bind /dev/null {q(t["null"])} || exit 90
            mount -t tmpfs hvd-dev /dev || exit 91
            : >/dev/null; mount --bind {q(t["null"])} /dev/null; mkdir /dev/vmbus
            mount -t tmpfs hvd-run /run || exit 92
            mount -t tmpfs hvd-bus /sys/bus || exit 93
            {world.Now}
            ( {(world.Late.Length > 0 ? world.Late : ":")} ) &
            PATH={q(t["bin"])}:$PATH sh {q(t["under-test"])}; rc=$?
            # The script leaves the stand-in running in the background with its pid here:
            # wait for it to finish writing its arguments (bounded) before looking.
            if [ -s /run/hv_kvp_daemon.initramfs.pid ]; then
                p=$(cat /run/hv_kvp_daemon.initramfs.pid); i=0
                while [ -e /proc/"$p" ] && [ "$i" -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
            fi
            echo "rc=$rc"
            """);
        string? line = Array.Find(r.Stdout.Split('\n'), l => l.StartsWith("rc=", StringComparison.Ordinal));
        Assert.True(line is not null, r.Describe());
        int rc = int.Parse(line![3..]);
        string[] sleeps = File.Exists(t["sleep.log"]) ? File.ReadAllLines(t["sleep.log"]) : [];
        // Each call is one tick of 0.1 s (the scripts fall back to whole seconds only where
        // sleep(1) refuses fractions, which this one does not).
        Assert.All(sleeps, a => Assert.Equal("0.1", a));
        return (r with { ExitCode = rc }, sleeps.Length, File.Exists(t["started"]),
                File.Exists(t["modprobe.log"]) ? File.ReadAllText(t["modprobe.log"]) : "");
    }

    const string Premount = "packaging/initramfs-tools/scripts/init-premount/hv_kvp_daemon";
    const string DracutWait = "packaging/dracut/90hv-kvp/hv-kvp-wait-channel.sh";

    [SkippableFact]
    public void Premount_without_vmbus_returns_at_once_and_loads_nothing()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("premount");

        var (r, ticks, started, modprobe) = RunInWorld(t, Premount, NoVmbus);

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal(0, ticks);
        Assert.False(started);
        Assert.Equal("", modprobe);
    }

    [SkippableFact]
    public void Premount_on_hyperv_starts_the_daemon_once_the_channel_exists()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("premount");

        var (r, ticks, started, modprobe) = RunInWorld(t, Premount, Ready);

        Assert.True(r.ExitCode == 0 && started, r.Describe());
        Assert.Equal(0, ticks);
        Assert.Equal("-n\n", File.ReadAllText(t["started"]));
        Assert.Equal("-q hv_utils\n", modprobe);
    }

    [SkippableFact]
    public void Premount_waits_for_a_late_device_node_and_a_late_channel()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("premount");
        var world = new World(KvpBus, $"sleep 0.6; mkdir -p {KvpDevice}/channels/14; sleep 0.6; : >/dev/vmbus/hv_kvp");

        var (r, ticks, started, _) = RunInWorld(t, Premount, world);

        Assert.True(r.ExitCode == 0 && started, r.Describe());
        // It waited (the world needs 1.2 s), and the cap of 50 ticks (5 s) did not end the wait.
        Assert.InRange(ticks, 1, 49);
    }

    [SkippableFact]
    public void Premount_gives_up_after_a_second_when_the_bus_has_no_kvp_device()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("premount");
        var world = new World("mkdir -p /sys/bus/vmbus/devices/other; echo '{ba6163d9-04a1-4d29-b605-72e2ffb1dc7f}' >/sys/bus/vmbus/devices/other/class_id");

        var (r, ticks, started, _) = RunInWorld(t, Premount, world);

        Assert.True(r.ExitCode == 0 && !started, r.Describe());
        Assert.Contains("no KVP device", r.Stderr);
        Assert.Equal(10, ticks);   // 1 s
    }

    [SkippableFact]
    public void Premount_gives_up_after_5_s_when_the_channel_never_comes()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("premount");
        var world = new World(KvpBus + "; : >/dev/vmbus/hv_kvp");

        var (r, ticks, started, _) = RunInWorld(t, Premount, world);

        Assert.True(r.ExitCode == 0 && !started, r.Describe());
        Assert.Contains("did not appear within 5 s", r.Stderr);
        Assert.Equal(50, ticks);   // 5 s
    }

    [SkippableFact]
    public void Dracut_condition_passes_once_the_channel_exists_and_skips_after_5_s()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("dracut");

        var ready = RunInWorld(t, DracutWait, Ready);
        var late = RunInWorld(t, DracutWait, new World(KvpBus + "; : >/dev/vmbus/hv_kvp", $"sleep 0.8; mkdir -p {KvpDevice}/channels/14"));
        var never = RunInWorld(t, DracutWait, new World(KvpBus + "; : >/dev/vmbus/hv_kvp"));

        Assert.True(ready.Result.ExitCode == 0 && ready.Ticks == 0, ready.Result.Describe() + ready.Ticks);
        Assert.True(late.Result.ExitCode == 0 && late.Ticks is >= 1 and < 50, late.Result.Describe() + late.Ticks);
        // 1 skips the unit (ExecCondition=) instead of failing it.
        Assert.True(never.Result.ExitCode == 1 && never.Ticks == 50, never.Result.Describe() + never.Ticks);
        Assert.Contains("did not appear within 5 s", never.Result.Stderr);
    }
}
