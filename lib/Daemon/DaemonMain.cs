using System;
using System.IO;
using HvDaemons.Cli;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Transport;

namespace HvDaemons.Daemon;

/// <summary>What a daemon's Program wires together once flags are parsed.</summary>
/// <param name="BlockingReads">Read the device blocking, without a poll per message (see
/// <see cref="ServiceLoop.BlockingReads"/>): for daemons with no timer.</param>
public sealed record DaemonWiring(IHostChannel Channel, IServiceHandler Handler, bool BlockingReads = false);

/// <summary>
/// The start-up every daemon shares: flags, detaching, syslog, signals, then the loop.
/// Only what registration needs happens before the loop; services load the rest lazily.
/// </summary>
public static class DaemonMain
{
    /// <param name="ident">syslog ident; may be chosen by <paramref name="chooseIdent"/> instead.</param>
    public static int Run(CommandLineSpec spec, string[] args, Func<DaemonOptions, string> chooseIdent,
                          string startMessage, Func<DaemonOptions, Logger, DaemonWiring?> wire)
    {
        string argv0 = ProgramPath();
        DaemonOptions options = DaemonCommandLine.Parse(spec, argv0, args, Console.Out, Console.Error);
        if (options.ExitCode is int code) return code;

        if (!options.NoDaemon)
        {
            int rc = Detach.Relaunch(argv0, args, out _);
            if (rc != 0)
            {
                Console.Error.WriteLine(argv0 + ": cannot start in the background: " + Errno.Describe(rc));
                return 1;
            }
            return 0;
        }

        using var log = new SyslogLogger(chooseIdent(options), SyslogPath());
        log.DebugEnabled = options.Debug;
        log.Info(startMessage + "; pid is:" + Posix.GetPid());
        using var stop = new StopSignal();
        DaemonWiring? wiring = wire(options, log);
        if (wiring is null) return 1;
        using IHostChannel channel = wiring.Channel;
        var loop = new ServiceLoop(channel, wiring.Handler, log, stop)
        {
            ReportAllocations = Environment.GetEnvironmentVariable("HV_BENCH_ALLOC") == "1",
            BlockingReads = wiring.BlockingReads && channel.ReceiveBlocks && stop.InterruptReadsOfThisThread(),
        };
        return loop.Run();
    }

    /// <summary>argv[0] as invoked, which upstream prints in its usage line.</summary>
    public static string ProgramPath()
    {
        string[] all = Environment.GetCommandLineArgs();
        return all.Length > 0 && all[0].Length > 0 ? all[0] : "hv_daemon";
    }

    /// <summary>The syslog socket. HV_SYSLOG_SOCKET exists for sandboxes that cannot bind /dev/log.</summary>
    static string SyslogPath() => Environment.GetEnvironmentVariable("HV_SYSLOG_SOCKET") is { Length: > 0 } p ? p : "/dev/log";

    /// <summary>basename of argv[0], to tell hv_fcopy_daemon from hv_fcopy_uio_daemon.</summary>
    public static string InvokedName() => Path.GetFileName(ProgramPath());
}
