using System;
using System.IO;

namespace HvDaemons.Tests.Vss;

/// <summary>A temporary hook folder (mode 0755) with files of chosen modes, owned by the test's user.</summary>
sealed class HookFolder : IDisposable
{
    public HookFolder()
    {
        Path = Directory.CreateTempSubdirectory("hvd-hooks-").FullName;
        File.SetUnixFileMode(Path, (UnixFileMode)Convert.ToInt32("755", 8));
    }

    public string Path { get; }

    /// <summary>The test's uid: hooks must be owned by it here, as by root in the daemon.</summary>
    public static uint Owner => Tmds.Linux.LibC.geteuid();

    public string Add(string name, string script = "#!/bin/sh\nexit 0\n", string mode = "755")
    {
        string path = System.IO.Path.Combine(Path, name);
        File.WriteAllText(path, script);
        File.SetUnixFileMode(path, (UnixFileMode)Convert.ToInt32(mode, 8));
        return path;
    }

    public void Dispose() => Directory.Delete(Path, recursive: true);
}
