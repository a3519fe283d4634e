using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.Logging;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>The on-disk pool format, file modes, damaged files, the cache, and failing disks.</summary>
public class PoolFileTests
{
    const int R = 2560;

    public static byte[] Record(string key, string value)
    {
        var r = new byte[R];
        Encoding.UTF8.GetBytes(key).CopyTo(r, 0);
        Encoding.UTF8.GetBytes(value).CopyTo(r, 512);
        return r;
    }

    public static string[] Keys(byte[] file)
    {
        var keys = new List<string>();
        for (int at = 0; at + R <= file.Length; at += R)
            keys.Add(Msg.CStr(file, at, 512));
        return keys.ToArray();
    }

    [Fact]
    public void RecordsAreHeaderless2560ByteKeyValuePairsZeroFilled()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(0, "first", "1"));
        t.Status(Msg.Set(0, "second", "22"));
        t.Status(Msg.Set(0, "first", "x"));   // shorter value: the old tail must not survive
        byte[] file = File.ReadAllBytes(t.PoolPath(0));
        Assert.Equal(Record("first", "x").Concat(Record("second", "22")).ToArray(), file);
    }

    [Fact]
    public void FilesAndDirectoryAreCreatedWithUpstreamModes()
    {
        using var t = new TempPools();
        _ = t.Service;
        Assert.Equal((UnixFileMode)0x1ED, File.GetUnixFileMode(t.Paths.PoolDirectory));
        for (int i = 0; i < 5; i++)
        {
            Assert.True(File.Exists(t.PoolPath(i)));
            Assert.Equal((UnixFileMode)0x1A4, File.GetUnixFileMode(t.PoolPath(i)));
        }
    }

    [Fact]
    public void ExistingFileKeepsItsModeAndInode()
    {
        using var t = new TempPools();
        Directory.CreateDirectory(t.Paths.PoolDirectory);
        File.WriteAllBytes(t.PoolPath(1), Record("pre", "existing"));
        File.SetUnixFileMode(t.PoolPath(1), (UnixFileMode)0x180);   // 0600
        long inode = Inode(t.PoolPath(1));
        t.Status(Msg.Set(1, "new", "v"));
        t.Status(Msg.Delete(1, "pre"));
        Assert.Equal((UnixFileMode)0x180, File.GetUnixFileMode(t.PoolPath(1)));
        Assert.Equal(inode, Inode(t.PoolPath(1)));
        Assert.Equal(Record("new", "v"), File.ReadAllBytes(t.PoolPath(1)));
    }

    [Fact]
    public void TrailingPartialRecordIsIgnoredLoggedAndNoWholeRecordIsLost()
    {
        using var t = new TempPools();
        Directory.CreateDirectory(t.Paths.PoolDirectory);
        byte[] junk = Enumerable.Repeat((byte)0xAB, 1000).ToArray();
        File.WriteAllBytes(t.PoolPath(1), Record("a", "1").Concat(Record("b", "2")).Concat(junk).ToArray());
        Assert.Equal("b", Msg.EnumKey(t.Send(Msg.Enumerate(1, 1))));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(1, 2)));
        Assert.Contains(t.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("not a multiple of 2560"));
        // An append lands on the partial tail's place; all whole records survive.
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(1, "c", "3")));
        Assert.Equal(new[] { "a", "b", "c" }, Keys(File.ReadAllBytes(t.PoolPath(1))));
        Assert.Equal(3 * R, new FileInfo(t.PoolPath(1)).Length);
    }

    [Fact]
    public void GarbageRecordsAreServedAsValidUtf8AndNeverCrash()
    {
        using var t = new TempPools();
        Directory.CreateDirectory(t.Paths.PoolDirectory);
        var rnd = new Random(42);
        var garbage = new byte[R * 3];
        rnd.NextBytes(garbage);
        File.WriteAllBytes(t.PoolPath(0), garbage);
        for (uint i = 0; i < 3; i++)
        {
            byte[] r = t.Send(Msg.Enumerate(0, i));
            Assert.Equal(Msg.S_OK, Msg.Status(r));
            int keyLen = Array.IndexOf(r, (byte)0, 20) - 20;
            Assert.InRange(keyLen, 0, 511);
            Assert.True(System.Text.Unicode.Utf8.IsValid(r.AsSpan(20, keyLen)));
            int valLen = Array.IndexOf(r, (byte)0, 532) - 532;
            Assert.InRange(valLen, 0, 2047);
            Assert.True(System.Text.Unicode.Utf8.IsValid(r.AsSpan(532, valLen)));
        }
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(0, "ok", "fine")));
        Assert.Equal("fine", Msg.EnumValue(t.Send(Msg.Get(0, "ok"))));
    }

    [Fact]
    public void DuplicateKeysInAFileBehaveLikeUpstream()
    {
        using var t = new TempPools();
        Directory.CreateDirectory(t.Paths.PoolDirectory);
        File.WriteAllBytes(t.PoolPath(0), Record("k", "first").Concat(Record("k", "second")).ToArray());
        Assert.Equal("first", Msg.EnumValue(t.Send(Msg.Get(0, "k"))));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Delete(0, "k")));
        Assert.Equal("second", Msg.EnumValue(t.Send(Msg.Get(0, "k"))));
    }

    [Fact]
    public void UnchangedFileIsNotReReadAndOwnWritesKeepTheCache()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(1, "a", "1"));
        System.Threading.Thread.Sleep(120);   // past the racy window of the initial load
        var pool = t.Service.PoolFor(1);
        int before = pool.Reloads;
        for (int i = 0; i < 50; i++)
        {
            t.Status(Msg.Set(1, "k" + i, "v" + i));
            t.Status(Msg.Get(1, "a"));
            t.Status(Msg.Enumerate(1, 0));
        }
        t.Status(Msg.Delete(1, "k3"));
        Assert.Equal(before, pool.Reloads);
    }

    [Fact]
    public void ExternalSameSizeRewriteIsSeenEvenWithinOneClockTick()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(1, "a", "1111"));
        Assert.Equal("1111", Msg.EnumValue(t.Send(Msg.Get(1, "a"))));
        // Another program rewrites the record in place, same size, immediately (same coarse tick).
        using (var fs = new FileStream(t.PoolPath(1), FileMode.Open, FileAccess.Write))
        {
            fs.Write(Record("a", "2222"));
        }
        Assert.Equal("2222", Msg.EnumValue(t.Send(Msg.Get(1, "a"))));
        using (var fs = new FileStream(t.PoolPath(1), FileMode.Open, FileAccess.Write))
        {
            fs.Write(Record("a", "3333"));
        }
        Assert.Equal("3333", Msg.EnumValue(t.Send(Msg.Get(1, "a"))));
    }

    [Fact]
    public void FileReplacedByRenameIsFollowed()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(1, "old", "1"));
        string tmp = t.PoolPath(1) + ".new";
        File.WriteAllBytes(tmp, Record("new", "2"));
        File.Move(tmp, t.PoolPath(1), overwrite: true);
        Assert.Equal("new", Msg.EnumKey(t.Send(Msg.Enumerate(1, 0))));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(1, "more", "3")));
        Assert.Equal(new[] { "new", "more" }, Keys(File.ReadAllBytes(t.PoolPath(1))));
    }

    [Fact]
    public void DeletedFileIsRecreated()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(1, "x", "1"));
        File.Delete(t.PoolPath(1));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(1, 0)));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(1, "y", "2")));
        Assert.Equal(new[] { "y" }, Keys(File.ReadAllBytes(t.PoolPath(1))));
    }

    [SkippableFact]
    public void FullDiskFailsTheSetKeepsMemoryEqualToTheFileAndServesOn()
    {
        using var t = new TempPools();
        using var mount = SmallTmpfs.Create(t.Paths.PoolDirectory, "size=64k");
        PrivilegedTest.Require(mount is not null, "mounting a tmpfs (root) for a full disk");
        t.Status(Msg.Set(1, "a", "1"));
        int n = 0;
        uint status;
        while ((status = t.Status(Msg.Set(1, "fill" + n, new string('x', 2000)))) == Msg.S_OK) n++;
        Assert.Equal(Msg.S_CONT, status);
        Assert.Contains(t.Log.Lines, l => l.Level == LogLevel.Err && l.Message.Contains("No space left"));
        byte[] file = File.ReadAllBytes(t.PoolPath(1));
        Assert.Equal(0, file.Length % R);
        Assert.Equal(n + 1, file.Length / R);
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(1, (uint)n + 1)));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(1, "a", "updated in place")));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Delete(1, "fill0")));
        Assert.Equal("updated in place", Msg.EnumValue(t.Send(Msg.Get(1, "a"))));
    }

    [SkippableFact]
    public void ReadOnlyDirectoryStillServesReadsAndFailsWrites()
    {
        using var t = new TempPools();
        using var mount = SmallTmpfs.Create(t.Paths.PoolDirectory, "size=1m");
        PrivilegedTest.Require(mount is not null, "mounting a tmpfs (root) for a read-only pool directory");
        File.WriteAllBytes(t.PoolPath(0), Record("kept", "yes"));
        mount!.Remount("ro");
        Assert.Equal("yes", Msg.EnumValue(t.Send(Msg.Get(0, "kept"))));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Set(0, "new", "no")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Delete(0, "kept")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(1, 0)));   // pool 1 has no file and cannot get one
        Assert.Contains(t.Log.Lines, l => l.Level == LogLevel.Err && l.Message.Contains("Read-only"));
        Assert.Equal("kept", Msg.EnumKey(t.Send(Msg.Enumerate(0, 0))));
    }

    static long Inode(string path)
    {
        var p = Process.Start(new ProcessStartInfo("stat", ["-c", "%i", path]) { RedirectStandardOutput = true })!;
        string s = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        return long.Parse(s.Trim());
    }
}

/// <summary>A tiny tmpfs on a directory of the test's own temp tree (never a system path),
/// so a full or read-only disk can be produced for real. Unmounted on dispose.</summary>
sealed class SmallTmpfs : IDisposable
{
    readonly string _dir;
    SmallTmpfs(string dir) => _dir = dir;

    public static SmallTmpfs? Create(string dir, string options)
    {
        if (!dir.StartsWith(Path.GetTempPath(), StringComparison.Ordinal)) throw new InvalidOperationException(dir);
        Directory.CreateDirectory(dir);
        return Run("mount", "-t", "tmpfs", "-o", options + ",mode=0755", "hvd-kvp-test", dir) ? new SmallTmpfs(dir) : null;
    }

    public void Remount(string options) => Assert.True(Run("mount", "-o", "remount," + options, _dir));

    static bool Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file, args) { RedirectStandardError = true, RedirectStandardOutput = true };
        try
        {
            using var p = Process.Start(psi)!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }   // no mount(8): the caller skips
    }

    public void Dispose() => Run("umount", "-l", _dir);
}
