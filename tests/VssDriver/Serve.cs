using System;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Vss;

namespace HvDaemons.Tests.VssDriver;

/// <summary>hv_vss_daemon's wiring with the transport swapped for <see cref="StdioChannel"/>.</summary>
static class Serve
{
    public static int Run()
    {
        string socket = Environment.GetEnvironmentVariable("HV_SYSLOG_SOCKET") ?? "/dev/log";
        using var log = new SyslogLogger("Hyper-V VSS", socket);
        log.Info("VSS starting; pid is:" + Posix.GetPid());
        using var stop = new StopSignal();
        using var hangup = HangupAsStop.Register();
        // The daemon's crash path too. No FrozenRecord: the crash-thaw at start is hv_vss_daemon's
        // own (cmd/vss), tested on the published binary (VssCrashThawTests).
        return DaemonMain.Serve(log, stop, () => new DaemonWiring(new StdioChannel(),
            new VssService(VssPaths.Default, log, VssSettings.FromEnvironment(log))));
    }
}
