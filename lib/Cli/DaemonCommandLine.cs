using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;
using System.Text;

namespace HvDaemons.Cli;

/// <summary>
/// Upstream's getopt_long command line: -n/--no-daemon, -h/--help, -d/--debug (kvp), plus our
/// --version. System.CommandLine holds the option model (names, aliases, descriptions),
/// bundles short flags (-nd) and ignores non-option arguments; <see cref="GetoptRules"/> adds
/// what getopt does and it does not. The usage text is written from the options'
/// descriptions rather than by System.CommandLine's help: upstream prints five lines in its
/// own layout ("Usage: ARGV0 [options]", "Options are:", one line per option at column 25) and
/// exits 0, 1 or 234 depending on the daemon, while the library's help is a differently laid
/// out page that always exits 0.
/// </summary>
public static class DaemonCommandLine
{
    public static DaemonOptions Parse(CommandLineSpec spec, string argv0, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var noDaemon = Flag("--no-daemon", "-n", "stay in foreground, don't daemonize");
        var debug = Flag("--debug", "-d", "Enable debug logs(syslog debug by default)");
        var help = Flag("--help", "-h", "print this help");
        var version = new Option<bool>("--version") { Arity = ArgumentArity.Zero, Hidden = true };
        var root = new RootCommand { TreatUnmatchedTokensAsErrors = false };
        root.Options.Clear();     // our -h and --version replace the built-in ones (see above)
        root.Directives.Clear();  // "[diagram]" and the like are plain, ignored arguments here
        root.Options.Add(noDaemon);
        if (spec.HasDebug) root.Options.Add(debug);
        root.Options.Add(help);
        root.Options.Add(version);

        var longNames = new List<string>();
        var shortFlags = new StringBuilder();
        foreach (Option o in root.Options)
        {
            longNames.Add(o.Name);
            foreach (string alias in o.Aliases) shortFlags.Append(alias[1]);
        }

        List<string> optionPart = GetoptRules.OptionPart(args, longNames);
        string? problem = GetoptRules.FirstBadOption(optionPart, longNames, shortFlags.ToString());
        ParseResult result = root.Parse(optionPart);
        if (problem is null && result.Errors.Count > 0) problem = result.Errors[0].Message;
        if (problem is not null)
        {
            stderr.WriteLine(argv0 + ": " + problem);
            WriteUsage(root, argv0, stderr);
            return new DaemonOptions(false, false, spec.BadOptionExitCode);
        }
        if (result.GetValue(help))
        {
            WriteUsage(root, argv0, stderr);
            return new DaemonOptions(false, false, spec.HelpExitCode);
        }
        if (result.GetValue(version))
        {
            stdout.WriteLine(spec.ProgramName + " (HvDaemons) " + ThisVersion);
            return new DaemonOptions(false, false, 0);
        }
        return new DaemonOptions(result.GetValue(noDaemon), spec.HasDebug && result.GetValue(debug), null);
    }

    public static string ThisVersion =>
        typeof(DaemonCommandLine).Assembly.GetName().Version?.ToString(3) ?? "0.0.0";

    static Option<bool> Flag(string name, string alias, string description) =>
        new(name, alias) { Arity = ArgumentArity.Zero, Description = description };

    static void WriteUsage(RootCommand root, string argv0, TextWriter w)
    {
        w.WriteLine("Usage: " + argv0 + " [options]");
        w.WriteLine("Options are:");
        foreach (Option o in root.Options)
        {
            if (o.Hidden) continue;
            foreach (string alias in o.Aliases)
                w.WriteLine(("  " + alias + ", " + o.Name).PadRight(25) + o.Description);
        }
    }
}
