using System;
using System.Globalization;
using System.IO;

namespace HvDaemons.BlackBox.Storms;

/// <summary>
/// How many messages a storm sends: $HVD_STORM_COUNT (`make fuzz` sets 100,000), else what CI
/// runs: 20,000, and 5,000 for VSS, whose every THAW walks the machine's whole mount table
/// (about 10 ms a message on a loaded 2-core box). Figures go to out/fuzz/storm-&lt;daemon&gt;.txt
/// for docs/robustness.md.
/// </summary>
static class StormSettings
{
    public const string CountVariable = "HVD_STORM_COUNT";
    public const int DefaultCount = 20_000;
    public const int DefaultVssCount = 5_000;

    public static int Count => CountOr(DefaultCount);

    public static int VssCount => CountOr(DefaultVssCount);

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
