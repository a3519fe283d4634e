using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Vss;
using HvDaemons.Wire;
using Xunit;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Vss;

public sealed class VssServiceTests : IDisposable
{
    const int Timeout = 5000;
    readonly FakeSysDevBlock _sys = new FakeSysDevBlock()
        .Device("/dev/vda1", 254, 1).Device("/dev/vdb", 254, 16).Device("/dev/loop0", 7, 0, "loop");
    readonly string _mounts;
    readonly FakeFreezeOps _ops = new();
    readonly RecordingLogger _log = new();
    long _now = 1_000;

    public VssServiceTests()
    {
        _mounts = Path.Combine(_sys.Root, "mounts");
        File.WriteAllText(_mounts, "/dev/vda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\ntmpfs /run tmpfs rw 0 0\n"
                                   + "/dev/vdb /data xfs rw 0 0\n/dev/loop0 /img ext4 rw 0 0\n");
    }

    public void Dispose() => _sys.Dispose();

    VssService Service(string? mounts = null) => new(new VssPaths(mounts ?? _mounts, _sys.Root), _log,
        new VssSettings(Timeout, ThawRetryMs: 250), _ops, _sys.Lookup, () => _now);

    static byte[] Request(byte op, uint flags = 0)
    {
        var m = new byte[VssLayout.MessageSize];
        m[VssLayout.Operation] = op;
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(VssLayout.Flags), flags);
        return m;
    }

    static uint Send(VssService s, byte op, uint flags = 0) => Status(s, Request(op, flags));

    static uint Status(VssService s, byte[] m, int? length = null)
    {
        Assert.Equal(VssLayout.MessageSize, s.Handle(m, length ?? m.Length));
        return BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(VssLayout.Error));
    }

    [Fact]
    public void FreezeThenThaw()
    {
        VssService s = Service();
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Freeze));
        Assert.Equal(new[] { "freeze /data", "freeze /" }, _ops.Calls.Where(c => c.StartsWith("freeze")));
        Assert.True(_ops.Frozen.SetEquals(new[] { "/data", "/" }));
        Assert.Equal(2, s.FrozenCount);
        Assert.Equal(new[]
        {
            (LogLevel.Info, "VSS: not frozen (writable, cannot be frozen): /run (tmpfs, no block device), /img (ext4, loop device)", false),
            (LogLevel.Info, "VSS: op=FREEZE: succeeded", true),   // frozen: local output held
        }, _log.Lines);

        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Thaw));
        Assert.Empty(_ops.Frozen);
        Assert.Equal(0, s.FrozenCount);
        Assert.Equal((LogLevel.Info, "VSS: op=THAW: succeeded", false), _log.Lines[^1]);
        Assert.Equal(-1, s.TimerDueMs());
    }

    [Fact]
    public void AFailedFreezeThawsEverythingThenLogsLikeUpstream()
    {
        _ops.FreezeErrors["/"] = Errno.EROFS;
        VssService s = Service();
        Assert.Equal(HvStatus.E_FAIL, Send(s, VssOp.Freeze));
        Assert.Empty(_ops.Frozen);
        Assert.Equal(new[] { "freeze /data", "freeze /", "thaw /data" }, _ops.Calls.Where(c => !c.StartsWith("open")));
        Assert.Equal(new[]
        {
            (LogLevel.Err, "FREEZE of / failed; error:30 Read-only file system", false),
            (LogLevel.Info, "VSS: op=FREEZE: failed", false),
            (LogLevel.Err, "op=5 failed!", false),
            (LogLevel.Err, "report it with these files:", false),
            (LogLevel.Err, "/etc/fstab and /proc/mounts", false),
        }, _log.Lines.Skip(1));
        Assert.Equal(-1, s.TimerDueMs());
    }

    [Fact]
    public void HotBackupSucceedsAndKeepsTheFlags()
    {
        byte[] m = Request(VssOp.HotBackup, flags: 0x1234);
        Assert.Equal(HvStatus.S_OK, Status(Service(), m));
        Assert.Equal(0x1234u, BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(VssLayout.Flags)));
        Assert.Equal(new[] { "VSS: op=CHECK HOT BACKUP" }, _log.Messages);
        Assert.Empty(_ops.Calls);
    }

    [Theory]
    [InlineData(VssOp.Create)]
    [InlineData(VssOp.GetDmInfo)]
    [InlineData(42)]
    [InlineData(255)]
    public void AnIllegalOpIsLoggedAndAnsweredWithSuccess(byte op)
    {
        Assert.Equal(HvStatus.S_OK, Send(Service(), op));
        Assert.Equal(new[] { (LogLevel.Err, "Illegal op:" + op, false) }, _log.Lines);
        Assert.Empty(_ops.Calls);
    }

    [Fact]
    public void AShortRequestIsLoggedAndStaleBytesIgnored()
    {
        byte[] m = Request(VssOp.Thaw);
        m[VssLayout.Flags] = 0xAA;   // stale bytes from an earlier message
        Assert.Equal(HvStatus.S_OK, Status(Service(), m, length: 1));
        Assert.Contains("VSS: request of 1 bytes, expected 12", _log.Messages);
        Assert.Equal(0, m[VssLayout.Flags]);
    }

    [Fact]
    public void AnUnreadableMountTableFailsTheFreeze()
    {
        VssService s = Service(mounts: "/nonexistent/hvd/mounts");
        Assert.Equal(HvStatus.E_FAIL, Send(s, VssOp.Freeze));
        Assert.Empty(_ops.Calls);
        Assert.StartsWith("VSS: cannot read /nonexistent/hvd/mounts", _log.Lines[0].Message);
    }

    [Fact]
    public void WatchdogThawsWhenNoThawComes()
    {
        VssService s = Service();
        Send(s, VssOp.Freeze);
        Assert.Equal(Timeout, s.TimerDueMs());
        _now += Timeout - 1;
        Assert.Equal(1, s.TimerDueMs());
        s.OnTimer();                                   // early wake-up: nothing happens
        Assert.Equal(2, s.FrozenCount);
        _now += 1;
        Assert.Equal(0, s.TimerDueMs());
        s.OnTimer();
        Assert.Empty(_ops.Frozen);
        Assert.Equal(-1, s.TimerDueMs());
        Assert.Equal((LogLevel.Warning, "VSS: no THAW within 5 s of FREEZE; watchdog thawed 2 file system(s)", false), _log.Lines[^1]);
    }

    [Fact]
    public void ASecondFreezeRestartsTheWatchdog()
    {
        VssService s = Service();
        Send(s, VssOp.Freeze);
        _now += 4000;
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Freeze));   // EBUSY everywhere: success
        Assert.Equal(Timeout, s.TimerDueMs());
        Assert.Equal(2, s.FrozenCount);
    }

    [Theory]
    [InlineData(ResetReason.Shutdown, "VSS: thawed 2 file system(s) before exit")]
    [InlineData(ResetReason.Reopen, "VSS: thawed 2 file system(s) before reopening the device")]
    [InlineData(ResetReason.Crash, "VSS: thawed 2 file system(s) before exit")]
    public void ResetThawsWhatThisProcessFroze(ResetReason reason, string line)
    {
        VssService s = Service();
        Send(s, VssOp.Freeze);
        s.OnReset(reason);
        Assert.Empty(_ops.Frozen);
        Assert.Equal((LogLevel.Info, line, false), _log.Lines[^1]);
    }

    [Fact]
    public void ResetWithNothingFrozenDoesNothing()
    {
        Service().OnReset(ResetReason.Shutdown);
        Assert.Empty(_ops.Calls);
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void AFailedThawOnReopenIsRetriedOnTheTimer()
    {
        _ops.ThawErrors["/data"] = Errno.EIO;
        _ops.ThawFailuresLeft = 1;
        VssService s = Service();
        Send(s, VssOp.Freeze);
        s.OnReset(ResetReason.Reopen);
        Assert.Equal((LogLevel.Err, "failed to thaw file system: err=5", true), _log.Lines[^1]);
        Assert.Equal(250, s.TimerDueMs());
        s.OnTimer();
        Assert.Empty(_ops.Frozen);
        Assert.Equal((LogLevel.Info, "VSS: thawed 1 file system(s) on retry", false), _log.Lines[^1]);
    }

    [Theory]
    [InlineData(ResetReason.Shutdown)]
    [InlineData(ResetReason.Crash)]
    public void ShutdownRetriesAFailingThaw(ResetReason reason)
    {
        _ops.ThawErrors["/"] = Errno.EIO;
        _ops.ThawFailuresLeft = 2;
        VssService s = Service();
        Send(s, VssOp.Freeze);
        s.OnReset(reason);
        Assert.Empty(_ops.Frozen);
        Assert.Equal("VSS: thawed 2 file system(s) before exit", _log.Lines[^1].Message);
    }
}
