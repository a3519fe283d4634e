using HvDaemons.Cli;
using HvDaemons.Daemon;
using HvDaemons.Transport;
using HvDaemons.Vss;

// hv_vss_daemon: freezes and thaws filesystems for host backups over /dev/vmbus/hv_vss.
var spec = new CommandLineSpec("hv_vss_daemon", HasDebug: false, HelpExitCode: 0, BadOptionExitCode: 1);
return DaemonMain.Run(spec, args, _ => "Hyper-V VSS", "VSS starting", (options, log) =>
    new DaemonWiring(new CharDeviceChannel("/dev/vmbus/hv_vss", new VssRegistration()),
                     new VssService(VssPaths.Default, log)));
