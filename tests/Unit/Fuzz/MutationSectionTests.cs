using System;
using System.IO;
using HvDaemons.Fuzz.Report;
using Xunit;

namespace HvDaemons.Tests.Fuzz;

/// <summary>`make fuzz` rewrites docs/robustness.md; the mutation scores live in
/// docs/mutation-scores.md, and the generated file must keep pointing there.</summary>
public sealed class MutationSectionTests
{
    [Fact]
    public void TheRobustnessDocumentEndsWithTheGeneratorsMutationSection()
    {
        string doc = File.ReadAllText(Path.Combine(PrivilegedTest.RepoRoot, "docs/robustness.md"));
        Assert.EndsWith(RobustnessReport.MutationSection.Trim(), doc.TrimEnd());
        Assert.True(File.Exists(Path.Combine(PrivilegedTest.RepoRoot, "docs/mutation-scores.md")), "docs/mutation-scores.md is missing");
    }
}
