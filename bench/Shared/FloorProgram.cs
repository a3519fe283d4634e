using System;
using System.Diagnostics;
using System.IO;

namespace HvDaemons.Bench;

/// <summary>Builds one of bench/Floor's C responders with gcc -O2 into a scratch folder, so
/// each run measures a floor compiled on this machine, in the same run as our daemon.</summary>
static class FloorProgram
{
    /// <returns>The executable's path, or null (with the reason on stderr) when gcc fails.</returns>
    public static string? Build(string source, string intoDir)
    {
        string src = Path.Combine(RepoPaths.Root(), "bench", "Floor", source);
        string exe = Path.Combine(intoDir, Path.GetFileNameWithoutExtension(source));
        var psi = new ProcessStartInfo("gcc", ["-O2", "-Wall", "-Werror", "-o", exe, src]) { RedirectStandardError = true };
        try
        {
            using Process p = Process.Start(psi)!;
            string err = p.StandardError.ReadToEnd();
            p.WaitForExit();
            if (p.ExitCode == 0) return exe;
            Console.Error.WriteLine("gcc " + source + " failed:\n" + err);
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            Console.Error.WriteLine("gcc is needed for the floor responders: " + e.Message);
        }
        return null;
    }
}

static class RepoPaths
{
    public static string Root()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "HvDaemons.sln"))) return dir;
        return Directory.GetCurrentDirectory();
    }
}
