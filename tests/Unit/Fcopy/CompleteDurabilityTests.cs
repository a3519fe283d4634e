using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Fcopy;
using HvDaemons.Tests.Vss;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>COMPLETE makes the copy durable with its name: the file, its directory and the
/// parent of every directory START created are fsynced, in that order, before S_OK.</summary>
public sealed class CompleteDurabilityTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-complete-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void CompleteSyncsTheFileItsDirectoryAndEveryCreatedDirectorysParent()
    {
        var synced = new List<string>();
        using var files = new FileReceiver(new RecordingLogger()) { Observe = (step, path) => synced.Add(step + " " + path) };
        string deep = Path.Combine(_dir, "a/b/c");
        Assert.Equal(HvStatus.S_OK, files.Start(deep, "f", FcopyOp.CreatePath));
        Assert.Equal(HvStatus.S_OK, files.Write(0, "data"u8));
        Assert.Empty(synced);   // nothing is synced before COMPLETE
        Assert.Equal(HvStatus.S_OK, files.Complete());
        Assert.Equal(new[]
        {
            "fsync " + deep + "/f",
            "fsync-dir " + deep,                     // holds f (and is the newest directory)
            "fsync-dir " + Path.Combine(_dir, "a/b"), // holds c
            "fsync-dir " + Path.Combine(_dir, "a"),   // holds b
            "fsync-dir " + _dir,                      // holds a
        }, synced);
    }

    [Fact]
    public void ADirectoryThatCannotBeSyncedFailsTheCopyWithOneLine()
    {
        var log = new RecordingLogger();
        using var files = new FileReceiver(log);
        string made = Path.Combine(_dir, "made");
        Assert.Equal(HvStatus.S_OK, files.Start(made, "f", FcopyOp.CreatePath));
        Assert.Equal(HvStatus.S_OK, files.Write(0, "data"u8));
        Directory.Delete(made, recursive: true);   // someone removed it mid-copy: its entry cannot be made durable
        Assert.Equal(HvStatus.E_FAIL, files.Complete());
        Assert.Single(log.Lines, l => l.Message.StartsWith("fsync of " + made + " failed: ", StringComparison.Ordinal));
        Assert.Null(files.Target);
        Assert.Equal(HvStatus.S_OK, files.Cancel());   // nothing left to cancel
    }

    [Fact]
    public void ACopyIntoAnExistingDirectorySyncsOnlyThatDirectory()
    {
        var synced = new List<string>();
        using var files = new FileReceiver(new RecordingLogger()) { Observe = (step, path) => synced.Add(step + " " + path) };
        Assert.Equal(HvStatus.S_OK, files.Start(_dir, "one", 0));
        Assert.Equal(HvStatus.S_OK, files.Complete());
        // A second copy whose directories exist already creates nothing, so syncs only its own.
        Directory.CreateDirectory(Path.Combine(_dir, "x"));
        Assert.Equal(HvStatus.S_OK, files.Start(Path.Combine(_dir, "x"), "two", FcopyOp.CreatePath));
        Assert.Equal(HvStatus.S_OK, files.Complete());
        Assert.Equal(new[] { "fsync " + _dir + "/one", "fsync-dir " + _dir, "fsync " + _dir + "/x/two", "fsync-dir " + _dir + "/x" }, synced);
    }
}
