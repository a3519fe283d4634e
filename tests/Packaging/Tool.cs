using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text;
using System.Threading.Tasks;

namespace HvDaemons.Packaging;

/// <summary>What one finished command left behind.</summary>
public sealed record ToolResult(int ExitCode, string Stdout, string Stderr)
{
    public string Describe() => "exit " + ExitCode + "\n--- stdout\n" + Stdout + "\n--- stderr\n" + Stderr;
}

/// <summary>Runs external commands (make, systemd-analyze, sh, qemu) with a bound on time.</summary>
public static class Tool
{
    public static string? Find(string name)
    {
        if (name.Contains('/')) return File.Exists(name) ? name : null;
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        foreach (string dir in new[] { "/usr/sbin", "/usr/bin", "/sbin", "/bin" })
            if (File.Exists(Path.Combine(dir, name))) return Path.Combine(dir, name);
        return null;
    }

    public static ToolResult Run(string program, IEnumerable<string> args, string? workDir = null,
                                 IDictionary<string, string>? env = null, int timeoutSeconds = 300,
                                 string? argv0 = null)
    {
        var psi = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workDir ?? PackagingEnvironment.RepoRoot,
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
            return new ToolResult(-1, stdout.Result, stderr.Result + "\n(killed after " + timeoutSeconds + " s)");
        }
        p.WaitForExit();
        return new ToolResult(p.ExitCode, stdout.Result, stderr.Result);
    }

    public static ToolResult Run(string program, params string[] args) => Run(program, (IEnumerable<string>)args);

    /// <summary>
    /// Runs a bash script as root inside a new private mount namespace (unshare), so it may
    /// mount tmpfs over /etc, /run, /usr/share... and nothing it does is seen outside.
    /// </summary>
    public static ToolResult InMountNamespace(string script, int timeoutSeconds = 120)
    {
        string file = Path.Combine(Path.GetTempPath(), "hvd-pkg-" + Guid.NewGuid().ToString("N") + ".sh");
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
