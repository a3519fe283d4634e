using System.IO;
using HvDaemons.Fuzz.Report;
using Xunit;

namespace HvDaemons.Tests.Fuzz;

/// <summary>`make fuzz` rewrites docs/robustness.md but must carry the hand-kept faults table over.</summary>
public sealed class RobustnessReportTests
{
    [Fact]
    public void TheFaultsSectionSurvivesARewriteAndNothingElseIsKept()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# old generated part\n| x |\n\n" + RobustnessReport.FaultsMarker + "\n## Faults\n| fault | host gets |\n| a | b |\n");
            string kept = RobustnessReport.KeptFaults(path);
            Assert.Equal("\n" + RobustnessReport.FaultsMarker + "\n## Faults\n| fault | host gets |\n| a | b |\n", kept);

            File.WriteAllText(path, "# no faults section yet\n");
            Assert.Equal("", RobustnessReport.KeptFaults(path));
            Assert.Equal("", RobustnessReport.KeptFaults(path + ".missing"));
            Assert.Contains(RobustnessReport.FaultsMarker, File.ReadAllText(Path.Combine(PrivilegedTest.RepoRoot, "docs/robustness.md")));
        }
        finally
        {
            File.Delete(path);
        }
    }
}
