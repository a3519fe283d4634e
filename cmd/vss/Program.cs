using System;
using HvDaemons.Cli;
using HvDaemons.Daemon;
using HvDaemons.Transport;
using HvDaemons.Vss;
using HvDaemons.Vss.Config;

// hv_vss_daemon: freezes and thaws filesystems for host backups over /dev/vmbus/hv_vss.
var spec = new CommandLineSpec("hv_vss_daemon", HasDebug: false, HelpExitCode: 0, BadOptionExitCode: 1);
VssService? service = null;

using var hangup = HangupAsStop.Register();

try
{
    return DaemonMain.Run(spec, args, _ => "Hyper-V VSS", "VSS starting", (options, log) =>
    {
        VssConfig config = VssConfigReader.Load(VssConfig.PathFromEnvironment(), log);
        service = new VssService(VssPaths.Default, log, VssSettings.FromEnvironment(log), config: config);
        return new DaemonWiring(new CharDeviceChannel("/dev/vmbus/hv_vss", new VssRegistration()), service);
    });
}
catch (Exception e)
{
    // Never leave the guest frozen, whatever went wrong.
    service?.ThawBeforeExit();
    Console.Error.WriteLine("hv_vss_daemon: fatal: " + e.Message);
    return 1;
}
