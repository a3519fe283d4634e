using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using HvDaemons.Os;
using Xunit;

namespace HvDaemons.Tests.Os;

/// <summary>AtomicFile: the final name only ever holds a whole old or a whole new file, the
/// new contents are synced before the rename and the directory after it, modes as upstream.</summary>
public sealed class AtomicFileTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-atomic-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    sealed class Crash : Exception { }

    [Fact]
    public void TheFinalNameHoldsTheOldFileUntilTheSyncedNewOneIsRenamedOverIt()
    {
        string path = Path.Combine(_dir, "ifcfg-eth0");
        File.WriteAllText(path, "OLD=1\n");
        byte[] big = Encoding.UTF8.GetBytes(new string('x', 300_000) + "\n");
        var steps = new List<string>();
        SysResult r = AtomicFile.Write(path, big, observe: (step, at) =>
        {
            steps.Add(step + " " + Path.GetFileName(at));
            if (step == "fsync")
            {
                // Synced and complete under the temporary name; the real name is untouched.
                Assert.Equal("OLD=1\n", File.ReadAllText(path));
                Assert.Equal(big, File.ReadAllBytes(at));
                Assert.StartsWith(".ifcfg-eth0.tmp-", Path.GetFileName(at));
                Assert.Equal(_dir, Path.GetDirectoryName(at));
            }
            if (step == "rename") Assert.Equal(big, File.ReadAllBytes(path));
        });
        Assert.True(r.Ok, r.ToString());
        Assert.Equal(new[] { "fsync .ifcfg-eth0.tmp-" + Environment.ProcessId, "rename ifcfg-eth0", "fsync-dir " + Path.GetFileName(_dir) }, steps);
        Assert.Equal(new[] { "ifcfg-eth0" }, Array.ConvertAll(Directory.GetFiles(_dir), f => Path.GetFileName(f)!));
    }

    [Theory]
    [InlineData("fsync")]
    [InlineData("rename")]
    [InlineData("fsync-dir")]
    public void ACrashAtAnyStepLeavesTheOldOrTheNewFileWhole(string crashAt)
    {
        string path = Path.Combine(_dir, "eth0.nmconnection");
        File.WriteAllText(path, "old\n");
        Assert.Throws<Crash>(() => AtomicFile.Write(path, "new contents\n"u8, observe: (step, _) => { if (step == crashAt) throw new Crash(); }));
        string now = File.ReadAllText(path);
        Assert.Equal(crashAt == "fsync" ? "old\n" : "new contents\n", now);
        Assert.Single(Directory.GetFiles(_dir));   // no temporary file survives either way
    }

    [Fact]
    public void ANewFileGetsTheUmaskedModeAnExistingOneKeepsItsMode()
    {
        string fresh = Path.Combine(_dir, "fresh");
        Assert.True(AtomicFile.Write(fresh, "a"u8).Ok);
        UnixFileMode umasked = File.GetUnixFileMode(fresh);
        Assert.Equal((UnixFileMode)0x1B6 & ~Umask(), umasked);

        string kept = Path.Combine(_dir, "kept");
        File.WriteAllText(kept, "x");
        File.SetUnixFileMode(kept, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        Assert.True(AtomicFile.Write(kept, "y"u8).Ok);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(kept));
        Assert.Equal("y", File.ReadAllText(kept));
    }

    [SkippableFact]
    public void AnExistingFilesOwnerCarriesOver()
    {
        PrivilegedTest.Require(Environment.UserName == "root", "root (to give a file another owner)");
        string path = Path.Combine(_dir, "owned");
        File.WriteAllText(path, "x");
        Assert.Equal(0, ChownBytes(path, 1234, 4321));
        Assert.True(AtomicFile.Write(path, "y"u8).Ok);
        Assert.Equal("1234:4321", Owner(path));
    }

    static unsafe int ChownBytes(string path, uint uid, uint gid)
    {
        byte[] p = Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* pp = p) return Tmds.Linux.LibC.chown(pp, uid, gid);
    }

    static string Owner(string path)
    {
        var psi = new System.Diagnostics.ProcessStartInfo("stat", ["-c", "%u:%g", path]) { RedirectStandardOutput = true };
        using var p = System.Diagnostics.Process.Start(psi)!;
        string s = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        return s;
    }

    [Fact]
    public void AMissingDirectoryFailsAndLeavesNothing()
    {
        SysResult r = AtomicFile.Write(Path.Combine(_dir, "no/such/file"), "z"u8);
        Assert.False(r.Ok);
        Assert.Equal(Errno.ENOENT, r.Error);
        Assert.Empty(Directory.GetFileSystemEntries(_dir));
    }

    /// <summary>The process umask, read back from a file created with 0666.</summary>
    UnixFileMode Umask()
    {
        string probe = Path.Combine(_dir, ".umask-probe");
        using (File.Create(probe)) { }
        UnixFileMode m = File.GetUnixFileMode(probe);
        File.Delete(probe);
        return (UnixFileMode)0x1B6 & ~m;
    }
}
