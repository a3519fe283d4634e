using System;
using System.IO;

namespace HvDaemons.TestSupport;

/// <summary>The checkout the tests run from: the directory holding HvDaemons.sln.</summary>
static class Repository
{
    public static string Root { get; } = FindRoot();

    static string FindRoot()
    {
        for (string? dir = AppContext.BaseDirectory; dir is not null; dir = Path.GetDirectoryName(dir))
            if (File.Exists(Path.Combine(dir, "HvDaemons.sln"))) return dir;
        return Directory.GetCurrentDirectory();
    }
}
