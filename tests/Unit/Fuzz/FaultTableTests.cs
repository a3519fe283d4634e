using System.IO;
using HvDaemons.Fuzz.Report;
using Xunit;

namespace HvDaemons.Tests.Fuzz;

/// <summary>docs/robustness.md's faults table is what `make fuzz` writes from <see cref="FaultTable"/>:
/// a row added to only one of them would vanish (or reappear) at the next run.</summary>
public sealed class FaultTableTests
{
    [Fact]
    public void TheDocumentHoldsExactlyTheGeneratorsFaultTable()
    {
        string doc = File.ReadAllText(Path.Combine(PrivilegedTest.RepoRoot, "docs/robustness.md"));
        int start = doc.IndexOf("## Faults\n", System.StringComparison.Ordinal);
        int end = doc.IndexOf("## How it works", System.StringComparison.Ordinal);
        Assert.True(start >= 0 && end > start, "docs/robustness.md lacks the Faults section before \"How it works\"");
        Assert.Equal(FaultTable.Text.Trim(), doc[start..end].Trim());
    }
}
