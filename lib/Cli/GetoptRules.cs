using System;
using System.Collections.Generic;

namespace HvDaemons.Cli;

/// <summary>
/// The three getopt_long rules System.CommandLine does not have, kept apart so they stay small:
/// "--" ends the options, an unambiguous prefix of a long option is that option ("--no" is
/// "--no-daemon"), and an unknown option gets getopt's own diagnostic. Everything else
/// (bundling, ignoring non-option arguments) is System.CommandLine's.
/// </summary>
internal static class GetoptRules
{
    /// <summary>The arguments before "--", long-option prefixes expanded.</summary>
    public static List<string> OptionPart(string[] args, IReadOnlyList<string> longNames)
    {
        var part = new List<string>(args.Length);
        foreach (string a in args)
        {
            if (a == "--") break;
            part.Add(ExpandPrefix(a, longNames));
        }
        return part;
    }

    static string ExpandPrefix(string arg, IReadOnlyList<string> longNames)
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
    public static string? FirstBadOption(List<string> args, IReadOnlyList<string> longNames, string shortFlags)
    {
        foreach (string a in args)
        {
            if (a.Length < 2 || a[0] != '-') continue;   // "-" and non-options are ignored
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                int eq = a.IndexOf('=');
                string name = eq < 0 ? a : a[..eq];
                bool known = false;
                foreach (string n in longNames) known |= n == name;
                if (!known) return "unrecognized option '" + a + "'";
                if (eq >= 0) return "option '" + name + "' doesn't allow an argument";
                continue;
            }
            foreach (char c in a.AsSpan(1))
                if (shortFlags.IndexOf(c) < 0) return "invalid option -- '" + c + "'";
        }
        return null;
    }
}
