using System.IO;
using HvDaemons.Cli;
using Xunit;

namespace HvDaemons.Tests.Cli;

/// <summary>The flag table of docs/protocol.md §8.1, as getopt_long would parse it.</summary>
public class CommandLineTests
{
    static readonly CommandLineSpec Kvp = new("hv_kvp_daemon", true, 0, 1);
    static readonly CommandLineSpec Vss = new("hv_vss_daemon", false, 0, 1);
    static readonly CommandLineSpec Fcopy = new("hv_fcopy_daemon", false, 1, 1);
    static readonly CommandLineSpec Uio = new("hv_fcopy_uio_daemon", false, 234, 234);

    static (DaemonOptions Options, string Out, string Err) Parse(CommandLineSpec spec, params string[] args)
    {
        var o = new StringWriter();
        var e = new StringWriter();
        var opts = DaemonCommandLine.Parse(spec, "/usr/sbin/" + spec.ProgramName, args, o, e);
        return (opts, o.ToString(), e.ToString());
    }

    public static TheoryData<string, string[], bool, bool, int?> Table => new()
    {
        // program, args, no-daemon, debug, exit code (null = run)
        { "kvp", [], false, false, null },
        { "kvp", ["-n"], true, false, null },
        { "kvp", ["--no-daemon"], true, false, null },
        { "kvp", ["-d"], false, true, null },
        { "kvp", ["--debug", "-n"], true, true, null },
        { "kvp", ["-nd"], true, true, null },
        { "kvp", ["-dn"], true, true, null },
        { "kvp", ["--no"], true, false, null },          // unambiguous prefix
        { "kvp", ["stray", "-n", "words"], true, false, null },  // non-options ignored
        { "kvp", ["--", "-x"], false, false, null },     // after "--" nothing is an option
        { "kvp", ["-h"], false, false, 0 },
        { "kvp", ["--help"], false, false, 0 },
        { "kvp", ["-n", "-h"], false, false, 0 },
        { "kvp", ["-x"], false, false, 1 },
        { "kvp", ["--bogus"], false, false, 1 },
        { "kvp", ["-nx"], false, false, 1 },
        { "kvp", ["--no-daemon=yes"], false, false, 1 },
        { "vss", ["-n"], true, false, null },
        { "vss", ["-d"], false, false, 1 },             // no debug flag on vss
        { "vss", ["-h"], false, false, 0 },
        { "vss", ["-x"], false, false, 1 },
        { "fcopy", ["-n"], true, false, null },
        { "fcopy", ["-h"], false, false, 1 },
        { "fcopy", ["--help"], false, false, 1 },
        { "fcopy", ["-x"], false, false, 1 },
        { "uio", ["-n"], true, false, null },
        { "uio", ["-h"], false, false, 234 },
        { "uio", ["-x"], false, false, 234 },
    };

    static CommandLineSpec Spec(string name) => name switch
    {
        "kvp" => Kvp,
        "vss" => Vss,
        "fcopy" => Fcopy,
        _ => Uio,
    };

    [Theory]
    [MemberData(nameof(Table))]
    public void ParsesLikeGetopt(string program, string[] args, bool noDaemon, bool debug, int? exit)
    {
        var (opts, _, _) = Parse(Spec(program), args);
        Assert.Equal(exit, opts.ExitCode);
        if (exit is null)
        {
            Assert.Equal(noDaemon, opts.NoDaemon);
            Assert.Equal(debug, opts.Debug);
        }
    }

    [Fact]
    public void HelpPrintsUpstreamsUsageToStderr()
    {
        var (_, stdout, stderr) = Parse(Kvp, "-h");
        Assert.Equal("", stdout);
        Assert.Equal(
            "Usage: /usr/sbin/hv_kvp_daemon [options]\n" +
            "Options are:\n" +
            "  -n, --no-daemon        stay in foreground, don't daemonize\n" +
            "  -d, --debug            Enable debug logs(syslog debug by default)\n" +
            "  -h, --help             print this help\n", stderr.Replace("\r\n", "\n"));
    }

    [Fact]
    public void VssUsageHasNoDebugLine()
    {
        var (_, _, stderr) = Parse(Vss, "--help");
        Assert.DoesNotContain("--debug", stderr);
        Assert.Contains("  -h, --help             print this help", stderr);
    }

    [Theory]
    [InlineData("-x", "invalid option -- 'x'")]
    [InlineData("-nq", "invalid option -- 'q'")]
    [InlineData("--frobnicate", "unrecognized option '--frobnicate'")]
    [InlineData("--help=1", "option '--help' doesn't allow an argument")]
    public void UnknownOptionsGetGetoptsDiagnosticThenUsage(string arg, string diagnostic)
    {
        var (_, _, stderr) = Parse(Kvp, arg);
        string[] lines = stderr.Replace("\r\n", "\n").Split('\n');
        Assert.Equal("/usr/sbin/hv_kvp_daemon: " + diagnostic, lines[0]);
        Assert.Equal("Usage: /usr/sbin/hv_kvp_daemon [options]", lines[1]);
    }

    [Fact]
    public void VersionGoesToStdoutAndExitsZero()
    {
        var (opts, stdout, _) = Parse(Fcopy, "--version");
        Assert.Equal(0, opts.ExitCode);
        Assert.StartsWith("hv_fcopy_daemon (HvDaemons) ", stdout);
    }
}
