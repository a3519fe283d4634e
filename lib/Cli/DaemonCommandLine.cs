using System;
using System.Collections.Generic;
using System.CommandLine;
using System.IO;

namespace HvDaemons.Cli;

/// <summary>
/// Upstream's getopt_long command line, parsed with System.CommandLine: -n/--no-daemon,
/// -h/--help, -d/--debug (kvp), plus our --version. As with getopt, non-option arguments are
/// ignored, short flags bundle (-nd), "--" ends the options and unambiguous long-option
/// prefixes are accepted (--no for --no-daemon).
/// </summary>
public static class DaemonCommandLine
{
    public static DaemonOptions Parse(CommandLineSpec spec, string argv0, string[] args, TextWriter stdout, TextWriter stderr)
    {
        var noDaemon = new Option<bool>("--no-daemon", "-n") { Arity = ArgumentArity.Zero };
        var help = new Option<bool>("--help", "-h") { Arity = ArgumentArity.Zero };
        var debug = new Option<bool>("--debug", "-d") { Arity = ArgumentArity.Zero };
        var version = new Option<bool>("--version") { Arity = ArgumentArity.Zero };
        var root = new RootCommand { TreatUnmatchedTokensAsErrors = false };
        root.Options.Clear();     // no built-in help/version: output must match upstream's
        root.Directives.Clear();  // "[diagram]" and the like are plain arguments here
        root.Options.Add(noDaemon);
        root.Options.Add(help);
        if (spec.HasDebug) root.Options.Add(debug);
        root.Options.Add(version);

        string[] longNames = spec.HasDebug
            ? ["--no-daemon", "--help", "--debug", "--version"]
            : ["--no-daemon", "--help", "--version"];
        string shortFlags = spec.HasDebug ? "nhd" : "nh";

        // getopt stops at "--"; what follows is never an option.
        var optionPart = new List<string>();
        foreach (string a in args)
        {
            if (a == "--") break;
            optionPart.Add(ExpandPrefix(a, longNames));
        }

        string? problem = FindBadOption(optionPart, longNames, shortFlags);
        ParseResult result = root.Parse(optionPart);
        if (problem is null && result.Errors.Count > 0) problem = result.Errors[0].Message;
        if (problem is not null)
        {
            stderr.WriteLine(argv0 + ": " + problem);
            WriteUsage(spec, argv0, stderr);
            return new DaemonOptions(false, false, spec.BadOptionExitCode);
        }
        if (result.GetValue(help))
        {
            WriteUsage(spec, argv0, stderr);
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

    public static void WriteUsage(CommandLineSpec spec, string argv0, TextWriter w)
    {
        w.WriteLine("Usage: " + argv0 + " [options]");
        w.WriteLine("Options are:");
        w.WriteLine("  -n, --no-daemon        stay in foreground, don't daemonize");
        if (spec.HasDebug)
            w.WriteLine("  -d, --debug            Enable debug logs(syslog debug by default)");
        w.WriteLine("  -h, --help             print this help");
    }

    static string ExpandPrefix(string arg, string[] longNames)
    {
        if (!arg.StartsWith("--", StringComparison.Ordinal) || arg.Length == 2) return arg;
        int eq = arg.IndexOf('=');
        string name = eq < 0 ? arg : arg[..eq];
        string? match = null;
        foreach (string candidate in longNames)
        {
            if (candidate == name) return arg;
            if (candidate.StartsWith(name, StringComparison.Ordinal))
            {
                if (match is not null) return arg;   // ambiguous: reported as unrecognized
                match = candidate;
            }
        }
        return match is null ? arg : match + (eq < 0 ? "" : arg[eq..]);
    }

    /// <summary>getopt's diagnostic for the first unknown option, or null.</summary>
    static string? FindBadOption(List<string> args, string[] longNames, string shortFlags)
    {
        foreach (string a in args)
        {
            if (a.Length < 2 || a[0] != '-') continue;   // "-" and non-options are ignored
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                int eq = a.IndexOf('=');
                string name = eq < 0 ? a : a[..eq];
                if (Array.IndexOf(longNames, name) < 0) return "unrecognized option '" + a + "'";
                if (eq >= 0) return "option '" + name + "' doesn't allow an argument";
                continue;
            }
            foreach (char c in a.AsSpan(1))
                if (shortFlags.IndexOf(c) < 0) return "invalid option -- '" + c + "'";
        }
        return null;
    }
}
