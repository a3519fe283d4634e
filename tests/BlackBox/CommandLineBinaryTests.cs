using System;
using System.Diagnostics;
using System.IO;
using Xunit;

namespace HvDaemons.BlackBox;

/// <summary>The published binaries' command line (docs/protocol.md §8.1): usage and exit status for
/// -h and a bad option, under each installed name. None of these touch the system: the
/// daemons exit before opening anything.</summary>
public sealed class CommandLineBinaryTests
{
    static (int Exit, string Out, string Err) Run(string path, params string[] args)
    {
        var psi = new ProcessStartInfo(path, args)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(TimeSpan.FromSeconds(20)), path + " did not exit");
        return (p.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>The fcopy binary under the uio daemon's name, as make install installs it.</summary>
    static string UioName()
    {
        string dir = Directory.CreateTempSubdirectory("hvd-uio-name-").FullName;
        string link = Path.Combine(dir, "hv_fcopy_uio_daemon");
        File.CreateSymbolicLink(link, BlackBoxEnvironment.Daemon("hv_fcopy_daemon"));
        return link;
    }

    [Theory]
    [InlineData("hv_kvp_daemon", 0, true)]
    [InlineData("hv_vss_daemon", 0, false)]
    [InlineData("hv_fcopy_daemon", 1, false)]
    public void Help_prints_upstream_usage_to_stderr(string name, int exit, bool hasDebug)
    {
        string path = BlackBoxEnvironment.Daemon(name);
        foreach (string flag in new[] { "-h", "--help" })
        {
            var (code, stdout, stderr) = Run(path, flag);
            Assert.Equal(exit, code);
            Assert.Equal("", stdout);
            string[] lines = stderr.Split('\n');
            Assert.Equal("Usage: " + path + " [options]", lines[0]);
            Assert.Equal("Options are:", lines[1]);
            Assert.Equal("  -n, --no-daemon        stay in foreground, don't daemonize", lines[2]);
            Assert.Equal(hasDebug, stderr.Contains("  -d, --debug            Enable debug logs(syslog debug by default)"));
            Assert.Contains("  -h, --help             print this help", stderr);
        }
    }

    [Theory]
    [InlineData("hv_kvp_daemon")]
    [InlineData("hv_vss_daemon")]
    [InlineData("hv_fcopy_daemon")]
    public void A_bad_option_prints_getopts_diagnostic_and_usage_and_exits_1(string name)
    {
        string path = BlackBoxEnvironment.Daemon(name);
        var (code, stdout, stderr) = Run(path, "-x");
        Assert.Equal(1, code);
        Assert.Equal("", stdout);
        Assert.StartsWith(path + ": invalid option -- 'x'\nUsage: " + path + " [options]\n", stderr);

        (code, _, stderr) = Run(path, "--no-such-flag");
        Assert.Equal(1, code);
        Assert.StartsWith(path + ": unrecognized option '--no-such-flag'\n", stderr);
    }

    [Fact]
    public void Vss_has_no_debug_flag()
    {
        var (code, _, stderr) = Run(BlackBoxEnvironment.Daemon("hv_vss_daemon"), "-d");
        Assert.Equal(1, code);
        Assert.Contains("invalid option -- 'd'", stderr);
    }

    [Fact]
    public void As_hv_fcopy_uio_daemon_help_and_bad_options_exit_234_like_upstream()
    {
        string link = UioName();
        try
        {
            var (code, _, stderr) = Run(link, "-h");
            Assert.Equal(234, code);
            Assert.StartsWith("Usage: " + link + " [options]\n", stderr);
            (code, _, stderr) = Run(link, "-q");
            Assert.Equal(234, code);
            Assert.StartsWith(link + ": invalid option -- 'q'\n", stderr);
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(link)!, recursive: true);
        }
    }

    [Theory]
    [InlineData("hv_kvp_daemon")]
    [InlineData("hv_vss_daemon")]
    [InlineData("hv_fcopy_daemon")]
    public void Version_is_ours_on_stdout(string name)
    {
        var (code, stdout, _) = Run(BlackBoxEnvironment.Daemon(name), "--version");
        Assert.Equal(0, code);
        Assert.Matches("^" + name + @" \(HvDaemons\) \d+\.\d+\.\d+\n$", stdout);
    }
}
