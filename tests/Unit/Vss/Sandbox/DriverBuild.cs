using System;
using System.IO;

namespace HvDaemons.Tests.Vss.Sandbox;

/// <summary>Publishes tests/VssDriver as a Native-AOT binary once per test run.</summary>
static class DriverBuild
{
    static readonly Lazy<string> Binary = new(Publish);

    public static string Path => Binary.Value;

    public static string RepoRoot
    {
        get
        {
            string? dir = AppContext.BaseDirectory;
            while (dir is not null && !File.Exists(System.IO.Path.Combine(dir, "HvDaemons.sln")))
                dir = System.IO.Path.GetDirectoryName(dir);
            return dir ?? throw new InvalidOperationException("repository root not found above " + AppContext.BaseDirectory);
        }
    }

    static string Publish()
    {
        string root = RepoRoot;
        string output = System.IO.Path.Combine(root, "out", "test", "vss-driver");
        ZramDevice.Run("dotnet", "publish", System.IO.Path.Combine(root, "tests", "VssDriver", "hvd-vss-driver.csproj"),
                       "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-clp:NoSummary");
        return System.IO.Path.Combine(output, "hvd-vss-driver");
    }
}
