using System;
using HvDaemons.Cli;
using HvDaemons.Daemon;
using HvDaemons.Transport;
using HvDaemons.Vss;
using HvDaemons.Vss.Config;

// hv_vss_daemon: freezes and thaws filesystems for host backups over /dev/vmbus/hv_vss.
// An unexpected exception takes the shared crash path (DaemonMain.Serve), whose undo thaws.
var spec = new CommandLineSpec("hv_vss_daemon", HasDebug: false, HelpExitCode: 0, BadOptionExitCode: 1);
IDisposable? instance = null;

using var hangup = HangupAsStop.Register();

int status = DaemonMain.Run(spec, args, _ => "Hyper-V VSS", "VSS starting", (options, log) =>
{
    var ops = new KernelFreezeOps();
    FrozenRecord record = FrozenRecord.FromEnvironment(log);
    // Before the device is opened: a killed instance may have left the guest frozen.
    instance = CrashThaw.Run(record, ops, log);
    VssConfig config = VssConfigReader.Load(VssConfig.PathFromEnvironment(), log);
    var service = new VssService(VssPaths.Default, log, VssSettings.FromEnvironment(log), ops, record: record, config: config);
    return new DaemonWiring(new CharDeviceChannel("/dev/vmbus/hv_vss", new VssRegistration()), service);
});
instance?.Dispose();   // the instance lock is held until here
return status;
