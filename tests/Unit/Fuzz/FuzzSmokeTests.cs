using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Fuzz.Targets;
using Xunit;

namespace HvDaemons.Tests.Fuzz;

/// <summary>
/// A short fixed-seed run of every fuzz target (the full runs are `make fuzz`), and a replay of
/// every kept input under fuzz/corpus/&lt;target&gt;/ (crash inputs stay there as regressions).
/// </summary>
public class FuzzSmokeTests
{
    const int Inputs = 3000;

    public static IEnumerable<object[]> Targets() => AllTargets.Names.Select(n => new object[] { n });

    static string CorpusDirectory
    {
        get
        {
            for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
                if (File.Exists(Path.Combine(dir, "HvDaemons.sln"))) return Path.Combine(dir, "fuzz", "corpus");
            throw new InvalidOperationException("repository root not found");
        }
    }

    [Theory]
    [MemberData(nameof(Targets))]
    public void Fixed_seed_run_finds_no_crash(string name)
    {
        using FuzzTarget target = AllTargets.Create(name);
        var options = new FuzzOptions(Seed: 20240601, MaxInputs: Inputs, Seconds: 50, CorpusDirectory: CorpusDirectory);
        TargetStats s = FuzzRunner.Run(target, options);

        Assert.True(s.Crashes.Count == 0, name + ": " + string.Join("; ", s.Crashes.Values.Select(c => c.Signature + " (" + c.Message + ")")));
        Assert.Equal(Inputs, s.Executions);
        Assert.Equal(0, s.DataLost);
        // The run explored: mutants reached behaviours the seeds did not.
        Assert.True(s.Behaviours > 1, name + " saw a single behaviour");
    }

    [Fact]
    public void Same_seed_gives_the_same_run()
    {
        var options = new FuzzOptions(Seed: 7, MaxInputs: 2000, Seconds: 50);
        TargetStats a, b;
        using (FuzzTarget t = AllTargets.Create("ip-config")) a = FuzzRunner.Run(t, options);
        using (FuzzTarget t = AllTargets.Create("ip-config")) b = FuzzRunner.Run(t, options);
        Assert.Equal((a.Rejected, a.Behaviours, a.CorpusSize), (b.Rejected, b.Behaviours, b.CorpusSize));
    }

    [Fact]
    public void Kept_inputs_replay_without_crash()
    {
        int replayed = 0;
        foreach (string name in AllTargets.Names)
        {
            string[] files = FuzzRunner.CorpusFiles(CorpusDirectory, name);
            if (files.Length == 0) continue;
            using FuzzTarget target = AllTargets.Create(name);
            foreach (string file in files)
            {
                Exception? e = Record.Exception(() => target.Run(File.ReadAllBytes(file)));
                Assert.True(e is null, $"{name}/{Path.GetFileName(file)}: {e}");
                replayed++;
            }
        }
        Assert.True(replayed > 0, "no kept inputs under fuzz/corpus");
    }
}
