using System;

namespace HvDaemons.Bench;

/// <summary>Reads the daemons' HV_BENCH_ALLOC=1 lines: "bench: request N allocated B bytes".</summary>
static class AllocationLines
{
    public static long Bytes(string logLine)
    {
        const string Start = "bench: request ", Marker = " allocated ";
        int from = logLine.IndexOf(Start, StringComparison.Ordinal);
        int at = from < 0 ? -1 : logLine.IndexOf(Marker, from, StringComparison.Ordinal);
        if (at < 0) return 0;
        string rest = logLine[(at + Marker.Length)..];
        int end = rest.IndexOf(' ');
        return end > 0 && long.TryParse(rest.AsSpan(0, end), out long n) ? n : 0;
    }
}
