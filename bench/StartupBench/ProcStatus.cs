using System.IO;

namespace HvDaemons.Bench;

/// <summary>Memory and thread figures from /proc/PID/status (kB as the kernel prints them).</summary>
readonly record struct ProcStatus(long RssKb, long AnonKb, int Threads)
{
    public static ProcStatus Read(int pid)
    {
        long rss = 0, anon = 0;
        int threads = 0;
        foreach (string line in File.ReadLines("/proc/" + pid + "/status"))
        {
            if (line.StartsWith("VmRSS:")) rss = Kb(line);
            else if (line.StartsWith("RssAnon:")) anon = Kb(line);
            else if (line.StartsWith("Threads:")) threads = int.Parse(line[8..].Trim());
        }
        return new ProcStatus(rss, anon, threads);
    }

    static long Kb(string line) => long.Parse(line.Split(':')[1].Trim().Split(' ')[0]);
}
