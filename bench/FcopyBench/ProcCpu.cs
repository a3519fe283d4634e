using System;
using System.IO;

namespace HvDaemons.Bench;

/// <summary>A process's CPU time so far: utime + stime from /proc/PID/stat, in clock ticks.</summary>
static class ProcCpu
{
    const int ScClkTck = 2;   // _SC_CLK_TCK
    static readonly double TicksPerSecond = (long)Tmds.Linux.LibC.sysconf(ScClkTck);

    public static TimeSpan Read(int pid)
    {
        string stat = File.ReadAllText($"/proc/{pid}/stat");
        // comm (field 2) may hold spaces and parentheses: the fields after it start past the last ')'.
        string[] after = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        // after[0] is field 3 (state), so utime (14) and stime (15) are after[11] and after[12].
        long ticks = long.Parse(after[11]) + long.Parse(after[12]);
        return TimeSpan.FromSeconds(ticks / TicksPerSecond);
    }
}
