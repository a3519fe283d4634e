using System.Diagnostics;
using System.IO;

namespace HvDaemons.Tests;

/// <summary>Compiles a C translation unit with gcc -Werror: the machine's headers are the oracle.</summary>
static class CProgram
{
    public static (int ExitCode, string Output) Compile(string source)
    {
        string dir = Directory.CreateTempSubdirectory("hvd-cprog-").FullName;
        try
        {
            string file = Path.Combine(dir, "probe.c");
            File.WriteAllText(file, source);
            var psi = new ProcessStartInfo("gcc", ["-std=gnu11", "-Werror", "-Wall", "-c", "-o", Path.Combine(dir, "probe.o"), file])
            {
                RedirectStandardError = true,
                RedirectStandardOutput = true,
            };
            using var p = Process.Start(psi)!;
            string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
            p.WaitForExit();
            return (p.ExitCode, output);
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
