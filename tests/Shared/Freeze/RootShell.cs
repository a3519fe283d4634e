using System;
using System.Buffers.Binary;
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
        // A static build (make STATIC=1) loads nothing; ldd would fail on it.
        if (!HasInterpreter(binary)) yield break;
        string output = Run("ldd", binary);
        foreach (Match m in Regex.Matches(output, @"(/\S+) \(0x"))
            yield return m.Groups[1].Value;
    }

    /// <summary>Whether an ELF64 file names a dynamic loader (a PT_INTERP program header).</summary>
    static bool HasInterpreter(string binary)
    {
        byte[] elf = System.IO.File.ReadAllBytes(binary);
        ulong phoff = BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(32));
        int phentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(54));
        int phnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(56));
        const uint PtInterp = 3;
        for (int i = 0; i < phnum; i++)
        {
            ulong at = phoff + (ulong)(i * phentsize);
            if (at + 4 > (ulong)elf.Length) return true;   // malformed: let ldd say what it is
            if (BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan((int)at)) == PtInterp) return true;
        }
        return false;
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
