using System;
using System.IO;
using System.Linq;
using HvDaemons.Logging;
using HvDaemons.Vss.Hooks;
using Xunit;

namespace HvDaemons.Tests.Vss;

public sealed class HookDirectoryTests : IDisposable
{
    readonly HookFolder _folder = new();
    readonly RecordingLogger _log = new();

    public void Dispose() => _folder.Dispose();

    HookDirectory Directory(uint? owner = null) => new(_folder.Path, _log, owner ?? HookFolder.Owner);

    [Fact]
    public void ListsExecutablesInNameOrder()
    {
        _folder.Add("20-b");
        _folder.Add("10-a");
        _folder.Add("10-A");
        _folder.Add("9-z", mode: "700");
        Assert.Equal(new[] { "10-A", "10-a", "20-b", "9-z" }, Directory().List().Select(Path.GetFileName));
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void AMissingFolderIsNoHooks()
    {
        Assert.Empty(new HookDirectory(Path.Combine(_folder.Path, "none"), _log, HookFolder.Owner).List());
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void SkipsWhatRootCannotTrustAndSaysWhy()
    {
        _folder.Add("10-ok");
        _folder.Add("20-group", mode: "775");
        _folder.Add("30-world", mode: "757");
        _folder.Add("40-noexec", mode: "644");
        _folder.Add(".hidden");
        System.IO.Directory.CreateDirectory(Path.Combine(_folder.Path, "50-dir"));
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "60-dangling"), "/nonexistent/hvd");
        File.CreateSymbolicLink(Path.Combine(_folder.Path, "70-link"), Path.Combine(_folder.Path, "10-ok"));

        Assert.Equal(new[] { "10-ok", "70-link" }, Directory().List().Select(Path.GetFileName));
        string p = _folder.Path + "/";
        Assert.Equal(new[]
        {
            "VSS: hook " + p + "20-group skipped: writable by group or others (mode 775)",
            "VSS: hook " + p + "30-world skipped: writable by group or others (mode 757)",
            "VSS: hook " + p + "40-noexec skipped: not executable (mode 644)",
            "VSS: hook " + p + "50-dir skipped: not a regular file",
            "VSS: hook " + p + "60-dangling skipped: dangling symlink",
        }, _log.Messages);
        Assert.All(_log.Lines, l => Assert.Equal(LogLevel.Err, l.Level));
    }

    [Fact]
    public void SkipsHooksOfAnotherOwner()
    {
        string hook = _folder.Add("10-a");
        uint other = HookFolder.Owner + 1;
        // The folder is checked first: one line, no hooks.
        Assert.Empty(Directory(other).List());
        Assert.Equal("VSS: hook folder " + _folder.Path + " skipped: owned by uid " + HookFolder.Owner + ", not uid " + other,
                     Assert.Single(_log.Messages));
    }

    [Fact]
    public void AWritableFolderRunsNoHooks()
    {
        _folder.Add("10-a");
        File.SetUnixFileMode(_folder.Path, (UnixFileMode)Convert.ToInt32("777", 8));
        Assert.Empty(Directory().List());
        Assert.Equal("VSS: hook folder " + _folder.Path + " skipped: writable by group or others (mode 777)", Assert.Single(_log.Messages));
    }
}
