using System;
using System.IO;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Testing.Freeze;

namespace HvDaemons.HostSim.Cli;

/// <summary>
/// The demo's real freeze: hv_vss_daemon in a root built on zram devices (never the machine's
/// filesystems), with a freeze hook at /etc/hyperv/fsfreeze-hook.d/10-demo that writes to the
/// data filesystem with fsync on "freeze" (before FIFREEZE) and on "thaw" (after FITHAW).
/// </summary>
internal sealed partial class Demo
{
    const string HookScript =
        "#!/bin/sh\n"
        + "[ \"$1\" = freeze ] && echo 'pausing the application' || echo 'resuming the application'\n"
        + "/hvd/hvd-vss-driver write-fsync /mnt/data/by-hook.$1 >/dev/null && echo \"$1: wrote /mnt/data/by-hook.$1 (fsync done)\"\n";

    void RunVssHooks()
    {
        Say("");
        Say("=== hv_vss_daemon: FREEZE and THAW with a freeze hook " + new string('=', 9));
        string daemon = Path.Combine(binDir, "hv_vss_daemon");
        if (FreezeRoot.WhyUnavailable() is string why)
        {
            Say("  skipped: a real freeze needs a root on zram here: " + why);
            return;
        }
        if (!File.Exists(daemon))
        {
            _failures.Add(daemon + " is missing (run ./build.sh)");
            return;
        }
        string hook = "\"$R\"" + RootShell.Quote("/etc/hyperv/fsfreeze-hook.d/10-demo");
        var setup = new System.Collections.Generic.List<string>(RootShell.CopyBinary("/bin/sh", "/bin/sh"))
        {
            "mkdir -p \"$R/etc/hyperv/fsfreeze-hook.d\" && chmod 0755 \"$R/etc\" \"$R/etc/hyperv\" \"$R/etc/hyperv/fsfreeze-hook.d\"",
            $"printf '%s' {RootShell.Quote(HookScript)} > {hook} && chmod 0755 {hook} && chown 0:0 {hook}",
        };
        var host = new SimHost(new SimKernelOptions { AllowFreeze = true });
        Say("  host:   building a root on zram (ext4 /, ext4 /mnt/data) with the hook below, in a private mount namespace");
        foreach (string line in HookScript.TrimEnd('\n').Split('\n')) Say("       | " + line);
        using FreezeRoot root = FreezeRoot.Start(host, daemon, "ext4", [new RootMount.Zram("/mnt/data", "ext4")], null, setup);
        root.Sandbox.Log.Received += line => Say("  syslog: " + line);
        if (!host.Kernel.Vss.WaitReady(Bound))
        {
            _failures.Add("hv_vss_daemon did not register in the freeze root\n" + root.Describe());
            return;
        }
        Say("  host:   /dev/vmbus/hv_vss is READY; the hook gets \"freeze\" before the first FIFREEZE");
        Ask("VSS FREEZE", () => host.Vss.Freeze());
        Say("  guest:  /mnt/data is " + root.Probe("/mnt/data") + ", / is " + root.Probe("/"));
        Ask("VSS THAW (the hook gets \"thaw\" after the last FITHAW, once the reply is sent)", () => host.Vss.Thaw());
        if (root.Sandbox.Log.WaitFor("thaw: wrote /mnt/data/by-hook.thaw", Bound) is null)
            _failures.Add("the thaw hook did not write after THAW\n" + root.Describe());
        Say("  guest:  /mnt/data is " + root.Probe("/mnt/data") + ", / is " + root.Probe("/"));
        End(root.Sandbox);
    }
}
