using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Fuzz.Report;
using HvDaemons.Fuzz.Targets;

// HvFuzz: seeded mutation fuzzing of every parser and message handler in lib.
//   --seconds S     time budget per target (default 10)
//   --inputs N      input budget per target (stops at whichever comes first)
//   --seed N        fixed seed (default 1): same seed, same inputs
//   --target NAME   only this target (repeatable); --list names them
//   --crashes DIR   where crash inputs go (default fuzz/crashes)
//   --corpus DIR    extra seeds per target in DIR/<target>/ (default fuzz/corpus)
//   --report PATH   write the results table (docs/robustness.md) there
//   --storms DIR    storm figures to include in the report (default out/fuzz)
//   --replay FILE   run one saved input against --target and print what happens
//   --write-seeds D write every --target's seeds into D/ (AFL++'s input directory; fuzz/afl.sh)
var options = new FuzzOptions(Seconds: 10, CrashDirectory: "fuzz/crashes", CorpusDirectory: "fuzz/corpus");
var only = new List<string>();
string? report = null, replay = null, storms = "out/fuzz", seedsTo = null;
int hangMs = 5000;
for (int i = 0; i < args.Length; i++)
{
    string Next() => i + 1 < args.Length ? args[++i] : throw new ArgumentException(args[i] + " needs a value");
    switch (args[i])
    {
        case "--seconds": options = options with { Seconds = double.Parse(Next(), CultureInfo.InvariantCulture) }; break;
        case "--inputs": options = options with { MaxInputs = long.Parse(Next(), CultureInfo.InvariantCulture) }; break;
        case "--seed": options = options with { Seed = ulong.Parse(Next(), CultureInfo.InvariantCulture) }; break;
        case "--crashes": options = options with { CrashDirectory = Next() }; break;
        case "--corpus": options = options with { CorpusDirectory = Next() }; break;
        case "--target": only.Add(Next()); break;
        case "--report": report = Next(); break;
        case "--storms": storms = Next(); break;
        case "--replay": replay = Next(); break;
        case "--write-seeds": seedsTo = Next(); break;
        case "--hang-ms": hangMs = int.Parse(Next(), CultureInfo.InvariantCulture); break;
        case "--list":
            foreach (string n in AllTargets.Names) Console.WriteLine(n);
            return 0;
        default:
            Console.Error.WriteLine("unknown argument " + args[i]);
            return 2;
    }
}
if (options.MaxInputs != long.MaxValue && !Array.Exists(args, a => a == "--seconds"))
    options = options with { Seconds = double.MaxValue };
if (only.Count == 0) only.AddRange(AllTargets.Names);

if (seedsTo is not null)
{
    Directory.CreateDirectory(seedsTo);
    foreach (string name in only)
    {
        using FuzzTarget t = AllTargets.Create(name);
        int n = 0;
        foreach (byte[] seed in FuzzRunner.AllSeeds(t, options.CorpusDirectory))
            File.WriteAllBytes(Path.Combine(seedsTo, $"{name}-{n++:D3}.bin"), seed.Length > t.MaxInputLength ? seed[..t.MaxInputLength] : seed);
    }
    return 0;
}

if (replay is not null)
{
    using FuzzTarget t = AllTargets.Create(only[0]);
    try
    {
        Verdict v = t.Run(File.ReadAllBytes(replay));
        Console.WriteLine($"{t.Name}: no crash ({(v.Rejected ? "refused" : "accepted")})");
        return 0;
    }
    catch (Exception e)
    {
        Console.WriteLine($"{t.Name}: {CrashStore.Signature(e)}\n{e}");
        return 1;
    }
}

using var watchdog = new Watchdog(hangMs, (target, input) =>
{
    string dir = Path.Combine(options.CrashDirectory ?? ".", target);
    Directory.CreateDirectory(dir);
    string path = Path.Combine(dir, "hang-" + CrashStore.Hash(Convert.ToHexString(input)) + ".bin");
    File.WriteAllBytes(path, input);
    Console.Error.WriteLine($"{target}: HANG: one input ran longer than {hangMs} ms; saved as {path}");
    Environment.Exit(3);
});

var results = new List<TargetStats>();
Console.WriteLine($"{"target",-14} {"inputs",12} {"seconds",8} {"inputs/s",10} {"s per 1M",9} {"crashes",7} {"refused",12} {"lost",5}");
foreach (string name in only)
{
    using FuzzTarget target = AllTargets.Create(name);
    TargetStats s = FuzzRunner.Run(target, options, watchdog);
    results.Add(s);
    Console.WriteLine($"{s.Name,-14} {s.Executions,12:N0} {s.Seconds,8:F1} {s.PerSecond,10:N0} {s.SecondsPerMillion,9:N0} {s.Crashes.Count,7} {s.Rejected,12:N0} {s.DataLost,5}");
    foreach (CrashRecord c in s.Crashes.Values)
        Console.WriteLine($"    crash x{c.Hits}: {c.Signature}{(c.SavedAs is null ? "" : " -> " + c.SavedAs)}");
}
long total = 0, crashes = 0;
foreach (TargetStats s in results) { total += s.Executions; crashes += s.Crashes.Count; }
Console.WriteLine($"total: {total:N0} inputs, {crashes} unique crashes");
if (report is not null)
{
    RobustnessReport.Write(report, results, options, storms);
    Console.WriteLine("wrote " + report);
}
return crashes == 0 ? 0 : 1;
