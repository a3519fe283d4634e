using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace HvDaemons.TestSupport;

/// <summary>What one finished command left behind.</summary>
public sealed record CommandResult(int ExitCode, string Stdout, string Stderr)
{
    public string Describe() => "exit " + ExitCode + "\n--- stdout\n" + Stdout + "\n--- stderr\n" + Stderr;
}

/// <summary>Runs external commands (make, debootstrap, nsenter, systemd-analyze, readelf...)
/// with a bound on time, stdin closed, from the repository unless told otherwise.</summary>
public static class Command
{
    /// <summary>The program's path: <paramref name="name"/> itself if it has a slash, else the
    /// first match on PATH, then in the sbin and bin directories PATH may lack.</summary>
    public static string? Find(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "").Split(':'))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        foreach (string dir in new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" })
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    /// <param name="timeoutSeconds">After this the process tree is killed and the exit code is -1.</param>
    /// <param name="env">Variables set on top of ours.</param>
    public static CommandResult Run(string program, IEnumerable<string> args, int timeoutSeconds = 300,
                                    IDictionary<string, string>? env = null, string? workDir = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? Repository.Root,
        };
        foreach (string a in args) psi.ArgumentList.Add(a);
        if (env is not null)
            foreach (var (k, v) in env) psi.Environment[k] = v;
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        Task<string> stdout = p.StandardOutput.ReadToEndAsync();
        Task<string> stderr = p.StandardError.ReadToEndAsync();
        if (!p.WaitForExit(timeoutSeconds * 1000))
        {
            try { p.Kill(entireProcessTree: true); } catch (InvalidOperationException) { }
            p.WaitForExit();
            return new CommandResult(-1, stdout.Result, stderr.Result + "\n(killed after " + timeoutSeconds + " s)");
        }
        p.WaitForExit();
        return new CommandResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static CommandResult Run(string program, params string[] args) => Run(program, (IEnumerable<string>)args);

    /// <summary>
    /// Runs a bash script as root inside a new private mount namespace (unshare), so it may
    /// mount tmpfs over /etc, /run, /usr/share... and nothing it does is seen outside.
    /// </summary>
    public static CommandResult InMountNamespace(string script, int timeoutSeconds = 120)
    {
        string file = Path.Combine(Path.GetTempPath(), "hvd-cmd-" + Guid.NewGuid().ToString("N") + ".sh");
        File.WriteAllText(file, "set -u\n" + script, new UTF8Encoding(false));
        try
        {
            return Run("unshare", ["--mount", "--propagation", "private", "--", "bash", file], timeoutSeconds: timeoutSeconds);
        }
        finally { File.Delete(file); }
    }

    /// <summary>Single-quotes a word for sh.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";
}
