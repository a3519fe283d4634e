using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text.RegularExpressions;
using System.Threading.Tasks;

namespace HvDaemons.Testing.Freeze;

/// <summary>
/// Shell pieces every freeze sandbox needs to build its root: quoting, running a tool on the
/// test side, and copying a Native-AOT binary with the few libraries it links (libc, libm, the
/// loader) into a root that has nothing else.
/// </summary>
public static class RootShell
{
    /// <summary>One shell word.</summary>
    public static string Quote(string s) => "'" + s.Replace("'", "'\\''") + "'";

    /// <summary>Runs a program to completion; its stdout, or an exception with its stderr.</summary>
    public static string Run(string program, params string[] args)
    {
        var psi = new ProcessStartInfo(program, args) { RedirectStandardOutput = true, RedirectStandardError = true };
        using var p = Process.Start(psi)!;
        Task<string> err = p.StandardError.ReadToEndAsync();
        string output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException(program + " " + string.Join(' ', args) + " failed: " + err.Result + output);
        return output;
    }

    /// <summary>The libraries ldd lists for <paramref name="binary"/> (libc, libm and the loader for an AOT binary).</summary>
    public static IEnumerable<string> SharedLibraries(string binary)
    {
        string output = Run("ldd", binary);
        foreach (Match m in Regex.Matches(output, @"(/\S+) \(0x"))
            yield return m.Groups[1].Value;
    }

    /// <summary>Shell lines copying <paramref name="binary"/> to <paramref name="target"/> under
    /// the root "$R", with its libraries at their own paths.</summary>
    public static IEnumerable<string> CopyBinary(string binary, string target)
    {
        yield return $"mkdir -p \"$R\"{Quote(System.IO.Path.GetDirectoryName(target)!)} && cp {Quote(binary)} \"$R\"{Quote(target)}";
        foreach (string lib in SharedLibraries(binary))
            yield return $"mkdir -p \"$R\"{Quote(System.IO.Path.GetDirectoryName(lib)!)} && cp -L {Quote(lib)} \"$R\"{Quote(lib)}";
    }
}
