using System;
using System.Globalization;
using System.IO;

namespace HvDaemons.BlackBox.Storms;

/// <summary>
/// How many messages a storm sends: $HVD_STORM_COUNT (`make fuzz` sets 100,000), else 20,000,
/// what CI runs (about 15 s per daemon; 100,000 take 1-2 minutes each on a 2-core box).
/// Figures go to out/fuzz/storm-&lt;daemon&gt;.txt for docs/robustness.md.
/// </summary>
static class StormSettings
{
    public const string CountVariable = "HVD_STORM_COUNT";
    public const int DefaultCount = 20_000;

    public static int Count => CountOr(DefaultCount);

    static int CountOr(int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(CountVariable), NumberStyles.None, CultureInfo.InvariantCulture, out int n) && n > 0
            ? n : fallback;

    public static int Seed =>
        int.TryParse(Environment.GetEnvironmentVariable("HVD_STORM_SEED"), NumberStyles.None, CultureInfo.InvariantCulture, out int s) ? s : 1;

    public static void WriteFigures(string daemon, params (string Key, object Value)[] figures)
    {
        string dir = Path.Combine(BlackBoxEnvironment.RepoRoot, "out", "fuzz");
        Directory.CreateDirectory(dir);
        using var w = new StreamWriter(Path.Combine(dir, "storm-" + daemon + ".txt"));
        w.WriteLine("daemon: " + daemon);
        foreach (var (k, v) in figures) w.WriteLine(k + ": " + Convert.ToString(v, CultureInfo.InvariantCulture));
    }
}
