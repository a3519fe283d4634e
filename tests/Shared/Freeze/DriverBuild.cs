using System;
using System.IO;
using System.Threading;

namespace HvDaemons.Testing.Freeze;

/// <summary>Publishes tests/VssDriver (the freeze sandboxes' agent and mount guard) as a
/// Native-AOT binary once per test run.</summary>
public static class DriverBuild
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
        Directory.CreateDirectory(output);
        // The unit and black-box tests may run at once (dotnet test on the solution): one
        // publish at a time into the shared directory.
        using FileStream gate = Lock(System.IO.Path.Combine(root, "out", "test", "vss-driver.lock"));
        RootShell.Run("dotnet", "publish", System.IO.Path.Combine(root, "tests", "VssDriver", "hvd-vss-driver.csproj"),
                      "-c", "Release", "-r", "linux-x64", "-o", output, "-nologo", "-clp:NoSummary");
        return System.IO.Path.Combine(output, "hvd-vss-driver");
    }

    static FileStream Lock(string path)
    {
        for (int attempt = 0; ; attempt++)
        {
            try { return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None); }
            catch (IOException) when (attempt < 600) { Thread.Sleep(500); }
        }
    }
}
