using HvDaemons.Cli;
using HvDaemons.Daemon;
using HvDaemons.Kvp;
using HvDaemons.Transport;

// hv_kvp_daemon: key/value exchange with the host over /dev/vmbus/hv_kvp.
var spec = new CommandLineSpec("hv_kvp_daemon", HasDebug: true, HelpExitCode: 0, BadOptionExitCode: 1);
return DaemonMain.Run(spec, args, _ => "KVP", "KVP starting", (options, log) =>
{
    // The scripts folder follows the build's libexecdir (upstream: KVP_SCRIPTS_PATH).
    var paths = KvpPaths.Default with { ScriptsDirectory = KvpBuildSettings.ScriptsDirectory };
    // HV_KVP_SYSFS: another sysfs root for the VM identity (hv_kvp_daemon(8)), for tests.
    if (System.Environment.GetEnvironmentVariable("HV_KVP_SYSFS") is { Length: > 0 } sysfs) paths = paths with { Sysfs = sysfs };
    // HV_KVP_SYS_CLASS_NET: another /sys/class/net for the adapter lookup (hv_kvp_daemon(8)), for tests
    // whose interface has no VMBus device behind it.
    if (System.Environment.GetEnvironmentVariable("HV_KVP_SYS_CLASS_NET") is { Length: > 0 } net) paths = paths with { SysClassNet = net };
    var service = KvpService.Create(paths, log);
    return new DaemonWiring(new CharDeviceChannel("/dev/vmbus/hv_kvp", new KvpRegistration()), service, BlockingReads: true);
});
