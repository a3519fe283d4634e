using System;
using System.IO;

namespace HvDaemons.Bench;

/// <summary>
/// A process's CPU time in nanoseconds: the first field of /proc/PID/task/TID/schedstat summed
/// over its threads. The same time as utime+stime in /proc/PID/stat, but /proc/PID/stat counts
/// 10 ms ticks, coarser than the floor's whole figure for a few hundred requests.
/// </summary>
static class TaskCpu
{
    public static long Ns(int pid)
    {
        long sum = 0;
        foreach (string task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
        {
            try
            {
                string s = File.ReadAllText(Path.Combine(task, "schedstat"));
                sum += long.Parse(s.AsSpan(0, s.IndexOf(' ')));
            }
            catch (IOException) { }   // a thread that ended meanwhile
        }
        return sum;
    }
}
