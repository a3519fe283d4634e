using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Text;

namespace HvDaemons.Fuzz.Engine;

/// <summary>How long and how hard to fuzz one target.</summary>
public sealed record FuzzOptions(ulong Seed = 1, long MaxInputs = long.MaxValue, double Seconds = 10,
                                 string? CrashDirectory = null, int MaxCorpus = 2048, string? CorpusDirectory = null);

/// <summary>
/// The loop: every seed once, then mutants of corpus entries until the time or input budget
/// is spent. An input whose behaviour code is new joins the corpus (cheap feedback without
/// coverage instrumentation). Exceptions are bucketed by signature; the first input of each
/// bucket is saved.
/// </summary>
public static class FuzzRunner
{
    public static TargetStats Run(FuzzTarget target, FuzzOptions options, Watchdog? watchdog = null)
    {
        var stats = new TargetStats(target.Name, target.Description);
        var rng = new Random(unchecked((int)(options.Seed ^ StableHash(target.Name))));
        var mutator = new Mutator(rng, target);
        var store = new CrashStore(options.CrashDirectory);
        var corpus = new List<byte[]>();
        var seen = new HashSet<int>();
        var clock = Stopwatch.StartNew();

        foreach (byte[] seed in AllSeeds(target, options.CorpusDirectory))
            corpus.Add(seed.Length > target.MaxInputLength ? seed[..target.MaxInputLength] : seed);
        if (corpus.Count == 0) corpus.Add(Array.Empty<byte>());
        int seedsLeft = corpus.Count;

        while (stats.Executions < options.MaxInputs)
        {
            if ((stats.Executions & 63) == 0 && clock.Elapsed.TotalSeconds >= options.Seconds) break;
            byte[] input;
            if (seedsLeft > 0) input = corpus[corpus.Count - seedsLeft--];
            else
            {
                input = mutator.Mutate(corpus[rng.Next(corpus.Count)], corpus);
                if (target.FixedLength > 0 && input.Length != target.FixedLength && rng.Next(16) != 0)
                    Array.Resize(ref input, target.FixedLength);
            }
            stats.Executions++;
            watchdog?.Begin(target.Name, input);
            try
            {
                Verdict v = target.Run(input);
                if (v.Rejected) stats.Rejected++;
                if (seen.Add(v.Behaviour) && corpus.Count < options.MaxCorpus) corpus.Add(input);
            }
            catch (Exception e)
            {
                string sig = CrashStore.Signature(e);
                if (stats.Crashes.TryGetValue(sig, out CrashRecord? known)) known.Hits++;
                else stats.Crashes[sig] = new CrashRecord(sig, e.Message, store.Save(target.Name, sig, input, e));
                target.Reset();
            }
            finally
            {
                watchdog?.End();
            }
        }
        stats.Seconds = clock.Elapsed.TotalSeconds;
        stats.CorpusSize = corpus.Count;
        stats.Behaviours = seen.Count;
        stats.DataLost = target.DataLost;
        return stats;
    }

    /// <summary>The target's own seeds, then the files of fuzz/corpus/&lt;target&gt;/ (kept crash
    /// inputs among them), in name order so a fixed seed stays reproducible.</summary>
    public static IEnumerable<byte[]> AllSeeds(FuzzTarget target, string? corpusDirectory)
    {
        foreach (byte[] seed in target.Seeds()) yield return seed;
        foreach (string file in CorpusFiles(corpusDirectory, target.Name)) yield return System.IO.File.ReadAllBytes(file);
    }

    public static string[] CorpusFiles(string? corpusDirectory, string target)
    {
        if (corpusDirectory is null) return Array.Empty<string>();
        string dir = System.IO.Path.Combine(corpusDirectory, target);
        if (!System.IO.Directory.Exists(dir)) return Array.Empty<string>();
        string[] files = System.IO.Directory.GetFiles(dir);
        Array.Sort(files, StringComparer.Ordinal);
        return files;
    }

    /// <summary>FNV-1a of the name: string.GetHashCode is randomised per process, which would
    /// break "same seed, same inputs".</summary>
    public static uint StableHash(string s)
    {
        uint h = 2166136261;
        foreach (byte b in Encoding.UTF8.GetBytes(s)) { h ^= b; h *= 16777619; }
        return h;
    }

    /// <summary>Behaviour code from a few facts an input produced (status, a log template, a
    /// count); stable across processes, unlike HashCode.</summary>
    public static int Behaviour(params object?[] facts)
    {
        uint h = 2166136261;
        foreach (object? f in facts)
        {
            string text = f?.ToString() ?? "-";
            foreach (char c in text) { h ^= c; h *= 16777619; }
            h ^= 0x1f; h *= 16777619;
        }
        return unchecked((int)h);
    }
}
