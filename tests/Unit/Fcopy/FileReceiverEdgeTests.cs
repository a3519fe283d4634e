using System;
using System.IO;
using System.Linq;
using HvDaemons.Fcopy;
using HvDaemons.Logging;
using HvDaemons.Wire;
using Tmds.Linux;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>FileReceiver's edges the message table does not reach: the PATH_MAX limit, an empty
/// path, and targets that are not regular files even with OVER_WRITE.</summary>
public sealed unsafe class FileReceiverEdgeTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-recv-").FullName;
    readonly MemoryLogger _log = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    bool Logged(string text) => _log.Lines.Any(l => l.Message.Contains(text, StringComparison.Ordinal));

    [Fact]
    public void ATargetOfPathMaxBytesIsRefusedBeforeAnyDirectoryIsLookedAt()
    {
        using var files = new FileReceiver(_log);
        string path = "/" + new string('p', FileReceiver.MaxTargetBytes - 4);   // "/ppp…" + "/" + "nm" = 4096 bytes
        Assert.Equal(HvStatus.E_FAIL, files.Start(path, "nm", FcopyOp.CreatePath));
        Assert.True(Logged("target file name is too long"));

        _log.Lines.Clear();
        string shorter = path[..^1];                                             // 4095 bytes: length is fine
        Assert.Equal(HvStatus.E_FAIL, files.Start(shorter, "nm", 0));           // …but the directory is missing
        Assert.False(Logged("target file name is too long"));
        Assert.True(Logged("Invalid path"));
    }

    [Fact]
    public void AnEmptyPathIsRefused()
    {
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.E_FAIL, files.Start("", "x", FcopyOp.CreatePath));
        Assert.Null(files.Target);
        Assert.True(Logged("empty"));
    }

    [Fact]
    public void ADirectoryAtTheTargetIsNotOpenedEvenWithOverWrite()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "taken"));
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.E_FAIL, files.Start(_dir, "taken", FcopyOp.OverWrite));
        Assert.Null(files.Target);
        Assert.True(Directory.Exists(Path.Combine(_dir, "taken")));
    }

    [Fact]
    public void AFifoAtTheTargetIsRefusedAsNotARegularFile()
    {
        string fifo = Path.Combine(_dir, "pipe");
        byte[] p = System.Text.Encoding.UTF8.GetBytes(fifo + "\0");
        fixed (byte* pp = p) Assert.Equal(0, LibC.mkfifo(pp, 0x180));
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.E_FAIL, files.Start(_dir, "pipe", FcopyOp.OverWrite));
        Assert.Null(files.Target);
        Assert.True(Logged("is not a regular file"));
        Assert.Equal(HvStatus.E_FAIL, files.Write(0, new byte[] { 1 }));   // nothing was opened
    }

    [Fact]
    public void CompleteAndCancelWithoutACopyAreHarmless()
    {
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.S_OK, files.Complete());
        Assert.Equal(HvStatus.S_OK, files.Cancel());
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void CompleteClosesTheFileAndForgetsTheTarget()
    {
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.S_OK, files.Start(_dir + "/", "done", 0));
        Assert.Equal(_dir + "/done", files.Target);
        Assert.Equal(HvStatus.S_OK, files.Write(3, "abc"u8));
        Assert.Equal(HvStatus.S_OK, files.Complete());
        Assert.Null(files.Target);
        Assert.Equal(HvStatus.E_FAIL, files.Write(0, "x"u8));   // closed: a late WRITE goes nowhere
        Assert.Equal(new byte[] { 0, 0, 0, (byte)'a', (byte)'b', (byte)'c' }, File.ReadAllBytes(Path.Combine(_dir, "done")));
        Assert.True(Logged("Copied 3 bytes"));
    }

    [Fact]
    public void TheLargestOffsetIsCheckedBeforeTheWriteIsTried()
    {
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.S_OK, files.Start(_dir, "far", 0));
        // Ends exactly at 2^63 - 1: passes the check; the filesystem decides (most refuse, EFBIG).
        files.Write((ulong)(long.MaxValue - 1), "x"u8);
        Assert.False(Logged("beyond the largest file offset"));
        // One byte further is refused before any system call.
        Assert.Equal(HvStatus.E_FAIL, files.Write((ulong)long.MaxValue, "x"u8));
        Assert.True(Logged("beyond the largest file offset"));
    }

    [Fact]
    public void CancelSaysItRemovedThePartialFileAndIsQuietWhenItIsAlreadyGone()
    {
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.S_OK, files.Start(_dir, "part", 0));
        Assert.Equal(HvStatus.S_OK, files.Cancel());
        Assert.True(Logged("Removed partial file"));
        Assert.False(File.Exists(Path.Combine(_dir, "part")));

        _log.Lines.Clear();
        Assert.Equal(HvStatus.S_OK, files.Start(_dir, "gone", 0));
        File.Delete(Path.Combine(_dir, "gone"));
        Assert.Equal(HvStatus.S_OK, files.Cancel());
        Assert.DoesNotContain(_log.Lines, l => l.Level == LogLevel.Err);
        Assert.False(Logged("Removed partial file"));
    }

    [Fact]
    public void ADanglingSymlinkAtTheTargetCountsAsAnExistingFile()
    {
        File.CreateSymbolicLink(Path.Combine(_dir, "link"), Path.Combine(_dir, "nowhere"));
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.ERROR_ALREADY_EXISTS, files.Start(_dir, "link", 0));
        Assert.False(File.Exists(Path.Combine(_dir, "nowhere")));
    }

    [Fact]
    public void ADirectoryReachedThroughASymlinkIsADirectory()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "real"));
        Directory.CreateSymbolicLink(Path.Combine(_dir, "via"), Path.Combine(_dir, "real"));
        using var files = new FileReceiver(_log);
        Assert.Equal(HvStatus.S_OK, files.Start(Path.Combine(_dir, "via"), "f", 0));
        Assert.Equal(HvStatus.S_OK, files.Complete());
        Assert.True(File.Exists(Path.Combine(_dir, "real", "f")));
    }

    [Fact]
    public void EachCompleteSyncsOnlyWhatItsOwnStartCreated()
    {
        var synced = new System.Collections.Generic.List<string>();
        using var files = new FileReceiver(_log) { Observe = (step, path) => synced.Add(step + " " + path) };
        string made = Path.Combine(_dir, "made");
        Assert.Equal(HvStatus.S_OK, files.Start(made, "one", FcopyOp.CreatePath));
        Assert.Equal(HvStatus.S_OK, files.Complete());
        Assert.Contains("fsync-dir " + _dir, synced);   // the parent of the directory START made

        synced.Clear();
        Assert.Equal(HvStatus.S_OK, files.Start(made, "two", 0));
        Assert.Equal(HvStatus.S_OK, files.Complete());
        Assert.Equal(new[] { "fsync " + Path.Combine(made, "two"), "fsync-dir " + made }, synced);
    }
}
