using System.IO;
using HvDaemons.Cli;
using HvDaemons.Daemon;
using HvDaemons.Fcopy;
using HvDaemons.Transport;

// hv_fcopy_daemon (also installed as hv_fcopy_uio_daemon): receives files the host pushes.
// One binary for both kernels: /dev/vmbus/hv_fcopy up to 6.9, the uio VMBus ring from 6.10.
const string CharDevice = "/dev/vmbus/hv_fcopy";

bool asUio = DaemonMain.InvokedName() == "hv_fcopy_uio_daemon";
// Upstream's uio daemon returns -EINVAL from main for -h and bad options (status 234).
var spec = asUio
    ? new CommandLineSpec("hv_fcopy_uio_daemon", HasDebug: false, HelpExitCode: 234, BadOptionExitCode: 234)
    : new CommandLineSpec("hv_fcopy_daemon", HasDebug: false, HelpExitCode: 1, BadOptionExitCode: 1);

// The transport is decided before syslog opens, because it decides the ident.
bool useCharDevice = File.Exists(CharDevice);
return DaemonMain.Run(spec, args, _ => useCharDevice ? "HV_FCOPY" : "HV_UIO_FCOPY", "starting", (options, log) =>
{
    if (useCharDevice)
    {
        log.Info("transport: " + CharDevice);
        return new DaemonWiring(new CharDeviceChannel(CharDevice, new FcopyRegistration()),
                                new FcopyService(log, NameEncoding.Utf8), BlockingReads: true);
    }
    bool simulated = UioSimulatedDevice.Enabled;
    log.Info("transport: VMBus ring through uio_hv_generic (" + CharDevice + " not present)"
             + (simulated ? " [simulated device]" : ""));
    var locator = new UioLocator("/sys", "/dev", log);
    UioDeviceOpener open = simulated ? UioSimulatedDevice.Open : UioCharDevice.Open;
    var channel = new UioFcopyChannel(locator, open, log);
    return new DaemonWiring(channel, new FcopyService(log, channel.NamesAreUtf16 ? NameEncoding.Utf16Le : NameEncoding.Utf8));
});
