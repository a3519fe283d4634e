using HvDaemons.Cli;
using HvDaemons.Daemon;
using HvDaemons.Fcopy;
using HvDaemons.Transport;

// hv_fcopy_daemon (also installed as hv_fcopy_uio_daemon): receives files the host pushes,
// over /dev/vmbus/hv_fcopy on kernels up to 6.9.
bool asUio = DaemonMain.InvokedName() == "hv_fcopy_uio_daemon";
// Upstream's uio daemon returns -EINVAL from main for -h and bad options (status 234).
var spec = asUio
    ? new CommandLineSpec("hv_fcopy_uio_daemon", HasDebug: false, HelpExitCode: 234, BadOptionExitCode: 234)
    : new CommandLineSpec("hv_fcopy_daemon", HasDebug: false, HelpExitCode: 1, BadOptionExitCode: 1);
return DaemonMain.Run(spec, args, _ => "HV_FCOPY", "starting", (options, log) =>
    new DaemonWiring(new CharDeviceChannel("/dev/vmbus/hv_fcopy", new FcopyRegistration()),
                     new FcopyService(log, NameEncoding.Utf8)));
