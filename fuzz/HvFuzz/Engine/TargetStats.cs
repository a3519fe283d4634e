using System.Collections.Generic;

namespace HvDaemons.Fuzz.Engine;

/// <summary>One unique crash: its signature, how often it was hit, and where its first input was saved.</summary>
public sealed record CrashRecord(string Signature, string Message, string? SavedAs)
{
    public long Hits { get; set; } = 1;
}

/// <summary>Figures of one target's run, for the console and docs/robustness.md.</summary>
public sealed class TargetStats(string name, string description)
{
    public string Name { get; } = name;
    public string Description { get; } = description;
    public long Executions { get; set; }
    public long Rejected { get; set; }
    public long DataLost { get; set; }
    public double Seconds { get; set; }
    public int CorpusSize { get; set; }
    public int Behaviours { get; set; }
    public Dictionary<string, CrashRecord> Crashes { get; } = new();

    public double PerSecond => Seconds > 0 ? Executions / Seconds : 0;

    /// <summary>Seconds a million inputs take at this run's rate.</summary>
    public double SecondsPerMillion => PerSecond > 0 ? 1_000_000 / PerSecond : 0;
}
