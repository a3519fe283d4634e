using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Vss;
using HvDaemons.Vss.Hooks;
using HvDaemons.Wire;
using Xunit;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Vss;

/// <summary>Hooks around the freeze engine: one call list orders hook runs against FIFREEZE/FITHAW.</summary>
public sealed class FreezeHooksTests : IDisposable
{
    const int Timeout = 5000;
    readonly FakeSysDevBlock _sys = new FakeSysDevBlock().Device("/dev/vda1", 254, 1).Device("/dev/vdb", 254, 16);
    readonly string _mounts;
    readonly FakeFreezeOps _ops = new();
    readonly RecordingLogger _log = new();
    readonly HookFolder _folder = new();
    readonly FakeHookRunner _runner;
    long _now = 1_000;

    public FreezeHooksTests()
    {
        _mounts = Path.Combine(_sys.Root, "mounts");
        File.WriteAllText(_mounts, "/dev/vda1 / ext4 rw 0 0\n/dev/vdb /data xfs rw 0 0\n");
        _runner = new FakeHookRunner(_ops.Calls);
        _folder.Add("20-queue");
        _folder.Add("10-db");
        _folder.Add("30-cache");
    }

    public void Dispose()
    {
        _sys.Dispose();
        _folder.Dispose();
    }

    VssService Service() => new(new VssPaths(_mounts, _sys.Root), _log, new VssSettings(Timeout), _ops, _sys.Lookup, () => _now,
        hooks: new FreezeHooks(new HookDirectory(_folder.Path, _log, HookFolder.Owner), _runner, 2000, _log));

    static uint Send(VssService s, byte op)
    {
        var m = new byte[VssLayout.MessageSize];
        m[VssLayout.Operation] = op;
        Assert.Equal(VssLayout.MessageSize, s.Handle(m, m.Length));
        return BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(VssLayout.Error));
    }

    string[] Steps() => _ops.Calls.Where(c => !c.StartsWith("open", StringComparison.Ordinal)).ToArray();

    static ChildResult Exit(int status, string output = "") => new(0, false, status, output);

    [Fact]
    public void FreezeHooksRunInNameOrderBeforeTheFirstFreezeAndThawHooksInReverseAfterTheLastThaw()
    {
        _runner.Results["10-db freeze"] = Exit(0, "flushed\npaused\n");
        VssService s = Service();
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Freeze));
        Assert.Equal(new[] { "hook 10-db freeze", "hook 20-queue freeze", "hook 30-cache freeze", "freeze /data", "freeze /" }, Steps());
        // Hook output is logged at once, before anything is frozen.
        Assert.Equal(new[] { ("VSS hook 10-db: flushed", false), ("VSS hook 10-db: paused", false) },
                     _log.Lines.Where(l => l.Message.StartsWith("VSS hook", StringComparison.Ordinal)).Select(l => (l.Message, l.Deferred)));

        _ops.Calls.Clear();
        _runner.Results["20-queue thaw"] = Exit(0, "resumed");
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Thaw));
        // The reply goes out first (the kernel gives THAW 30 s); the loop's timer runs the hooks.
        Assert.DoesNotContain(Steps(), c => c.StartsWith("hook", StringComparison.Ordinal));
        Assert.Equal(0, s.TimerDueMs());
        s.OnTimer();
        string[] steps = Steps();
        Assert.Equal(new[] { "hook 30-cache thaw", "hook 20-queue thaw", "hook 10-db thaw" }, steps[^3..]);
        Assert.All(steps[..^3], c => Assert.StartsWith("thaw ", c));
        Assert.Contains(("VSS hook 20-queue: resumed", false), _log.Lines.Select(l => (l.Message, l.Deferred)));
        Assert.Equal(-1, s.TimerDueMs());
    }

    [Theory]
    [InlineData(3, false, "exit status 3")]
    [InlineData(-1, true, "timed out after 2 s and was killed")]
    public void AFailingFreezeHookFailsTheFreezeWithNothingFrozen(int status, bool timedOut, string why)
    {
        _runner.Results["20-queue freeze"] = new ChildResult(0, timedOut, status, "queue busy\n");
        VssService s = Service();
        Assert.Equal(HvStatus.E_FAIL, Send(s, VssOp.Freeze));
        // The failing hook is thawed too: it may have paused half-way. 30-cache never ran.
        Assert.Equal(new[] { "hook 10-db freeze", "hook 20-queue freeze", "hook 20-queue thaw", "hook 10-db thaw" }, Steps());
        Assert.Empty(_ops.Frozen);
        Assert.Equal(new[]
        {
            "VSS hook 20-queue: queue busy",
            "VSS: hook 20-queue freeze failed: " + why,
            "VSS: op=FREEZE: failed",
            "op=5 failed!",
        }, _log.Messages.Take(4));
        Assert.Equal(-1, s.TimerDueMs());
    }

    [Fact]
    public void AFreezeThatFailsPartWayThawsTheFilesystemsThenRunsThawHooks()
    {
        _ops.FreezeErrors["/"] = Errno.EROFS;
        VssService s = Service();
        Assert.Equal(HvStatus.E_FAIL, Send(s, VssOp.Freeze));
        s.OnTimer();
        Assert.Equal(new[]
        {
            "hook 10-db freeze", "hook 20-queue freeze", "hook 30-cache freeze", "freeze /data", "freeze /",
            "thaw /data", "hook 30-cache thaw", "hook 20-queue thaw", "hook 10-db thaw",
        }, Steps());
        Assert.Empty(_ops.Frozen);
    }

    [Fact]
    public void AFailingThawHookIsLoggedAndTheOthersStillRun()
    {
        _runner.Results["20-queue thaw"] = Exit(1);
        VssService s = Service();
        Send(s, VssOp.Freeze);
        _ops.Calls.Clear();
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Thaw));
        s.OnTimer();
        Assert.Equal(new[] { "hook 30-cache thaw", "hook 20-queue thaw", "hook 10-db thaw" }, Steps()[^3..]);
        Assert.Contains((LogLevel.Err, "VSS: hook 20-queue thaw failed: exit status 1", false), _log.Lines);
    }

    [Theory]
    [InlineData(ResetReason.Shutdown)]
    [InlineData(ResetReason.Reopen)]
    public void ShutdownAndReopenThawThenRunThawHooks(ResetReason reason)
    {
        VssService s = Service();
        Send(s, VssOp.Freeze);
        _ops.Calls.Clear();
        s.OnReset(reason);
        Assert.Equal(new[] { "thaw /", "thaw /data", "hook 30-cache thaw", "hook 20-queue thaw", "hook 10-db thaw" }, Steps());
        // Nothing pending any more: a second reset runs nothing.
        _ops.Calls.Clear();
        s.OnReset(reason);
        Assert.Empty(Steps());
    }

    [Fact]
    public void TheWatchdogThawsThenRunsThawHooks()
    {
        VssService s = Service();
        Send(s, VssOp.Freeze);
        _ops.Calls.Clear();
        _now += Timeout;
        s.OnTimer();
        Assert.Equal(new[] { "thaw /", "thaw /data", "hook 30-cache thaw", "hook 20-queue thaw", "hook 10-db thaw" }, Steps());
    }

    [Fact]
    public void ThawHooksWaitUntilEveryFilesystemIsThawed()
    {
        _ops.ThawErrors["/data"] = Errno.EIO;
        _ops.ThawFailuresLeft = 1;
        VssService s = Service();
        Send(s, VssOp.Freeze);
        _ops.Calls.Clear();
        Send(s, VssOp.Thaw);
        Assert.DoesNotContain(Steps(), c => c.StartsWith("hook", StringComparison.Ordinal));   // /data still frozen
        _ops.Calls.Clear();
        _now += 1000;
        s.OnTimer();   // the retry thaws /data, then the hooks run
        Assert.Equal(new[] { "thaw /data", "hook 30-cache thaw", "hook 20-queue thaw", "hook 10-db thaw" }, Steps());
    }

    [Fact]
    public void HooksRunAroundAFreezeWithNothingToFreezeAndTheWatchdogStillResumesThem()
    {
        File.WriteAllText(_mounts, "tmpfs /run tmpfs rw 0 0\n");
        VssService s = Service();
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Freeze));
        Assert.Equal(Timeout, s.TimerDueMs());
        _now += Timeout;
        s.OnTimer();
        Assert.Equal(new[] { "hook 10-db freeze", "hook 20-queue freeze", "hook 30-cache freeze",
                             "hook 30-cache thaw", "hook 20-queue thaw", "hook 10-db thaw" }, Steps());
        Assert.Equal(-1, s.TimerDueMs());
    }

    [Fact]
    public void ASecondFreezeDoesNotRunFreezeHooksAgain()
    {
        VssService s = Service();
        Send(s, VssOp.Freeze);
        _ops.Calls.Clear();
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Freeze));
        Assert.DoesNotContain(Steps(), c => c.StartsWith("hook", StringComparison.Ordinal));
    }

    [Fact]
    public void AFreezeRightAfterAThawFirstRunsTheThawHooksStillDue()
    {
        VssService s = Service();
        Send(s, VssOp.Freeze);
        Send(s, VssOp.Thaw);
        _ops.Calls.Clear();
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Freeze));
        Assert.Equal(new[] { "hook 30-cache thaw", "hook 20-queue thaw", "hook 10-db thaw",
                             "hook 10-db freeze", "hook 20-queue freeze", "hook 30-cache freeze", "freeze /data", "freeze /" }, Steps());
    }
}
