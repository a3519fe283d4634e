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
            Errno rc = Detach.Relaunch(argv0, args, out _);
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
        // Before wiring: nothing the services start may inherit the variable.
        SystemdNotify notify = SystemdNotify.FromEnvironment(log);
        return Serve(log, stop, () => wire(options, log), notify);
    }

    /// <summary>
    /// Wires the service and runs its loop. The one place an unexpected exception ends a daemon:
    /// one LOG_ERR line with its type and message (the stack only with debug on: a detached
    /// daemon's stderr is /dev/null), the handler's undo (<see cref="ResetReason.Crash"/>),
    /// and exit status 1 so that Restart=on-failure starts a new instance.
    /// </summary>
    public static int Serve(Logger log, StopSignal stop, Func<DaemonWiring?> wire, SystemdNotify? notify = null)
    {
        IServiceHandler? handler = null;
        try
        {
            DaemonWiring? wiring = wire();
            if (wiring is null) return 1;
            handler = wiring.Handler;
            using IHostChannel channel = wiring.Channel;
            return new ServiceLoop(channel, handler, log, stop, notify)
            {
                ReportAllocations = Environment.GetEnvironmentVariable("HV_BENCH_ALLOC") == "1",
                BlockingReads = wiring.BlockingReads && channel.ReceiveBlocks && stop.InterruptReadsOfThisThread(),
            }.Run();
        }
        catch (Exception e)
        {
            Crashed(log, e, handler);
            return 1;
        }
    }

    static void Crashed(Logger log, Exception e, IServiceHandler? handler)
    {
        log.Err("fatal: " + Describe(e));
        if (log.DebugEnabled && e.StackTrace is string stack)
            foreach (string frame in stack.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                log.Debug("fatal: " + frame);
        try
        {
            handler?.OnReset(ResetReason.Crash);
        }
        catch (Exception undo)
        {
            log.Err("fatal: the undo after the crash failed too: " + Describe(undo));
        }
        log.Flush();
    }

    static string Describe(Exception e) => e.GetType().FullName + ": " + e.Message;

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
