using System;
using System.Diagnostics;
using System.IO;

namespace HvDaemons.Bench;

/// <summary>
/// A tiny C program placed in front of the daemon in the sandbox: it writes CLOCK_REALTIME to a
/// file and execs the daemon, so "start" is the exec itself, not the sandbox's set-up.
/// </summary>
static class ExecStamp
{
    const string Source = """
        #include <stdio.h>
        #include <time.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            struct timespec ts;
            if (argc < 3) return 127;
            clock_gettime(CLOCK_REALTIME, &ts);
            FILE *f = fopen(argv[1], "w");
            if (!f) return 126;
            fprintf(f, "%lld\n", (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec);
            fclose(f);
            execv(argv[2], argv + 2);
            return 125;
        }
        """;

    public static string Build(string dir)
    {
        string c = Path.Combine(dir, "execstamp.c");
        string exe = Path.Combine(dir, "execstamp");
        File.WriteAllText(c, Source);
        using var p = Process.Start(new ProcessStartInfo("gcc", ["-O2", "-o", exe, c]) { RedirectStandardError = true })!;
        string err = p.StandardError.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException("gcc failed: " + err);
        return exe;
    }

    /// <summary>Nanoseconds since the epoch, the same clock the stamp uses.</summary>
    public static long NowNs() => (DateTime.UtcNow - DateTime.UnixEpoch).Ticks * 100;
}
