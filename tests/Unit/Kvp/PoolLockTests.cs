using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HvDaemons.Daemon;
using HvDaemons.Kvp.Pool;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>The bounded lock wait: its deadline and backoff on a fake clock, /proc/locks
/// parsing, and a real flock held by another open file description.</summary>
public class PoolLockTests
{
    static readonly SysResult Busy = SysResult.Fail(Errno.EAGAIN);

    sealed class FakeClock
    {
        public long Now;
        public readonly List<int> Pauses = new();
        public bool Pause(int ms)
        {
            Pauses.Add(ms);
            Now += ms;
            return true;
        }
    }

    [Fact]
    public void FreeLockIsTakenOnTheFirstAttemptWithoutPausing()
    {
        var c = new FakeClock();
        Assert.Equal(LockOutcome.Acquired, LockWait.Run(() => SysResult.Success(), 10_000, c.Pause, () => c.Now, out _));
        Assert.Empty(c.Pauses);
    }

    [Fact]
    public void ContentionRetriesWithGrowingPausesCappedAndSucceedsWhenReleased()
    {
        var c = new FakeClock();
        int attempts = 0;
        LockOutcome o = LockWait.Run(() => ++attempts < 10 ? SysResult.Fail(attempts % 2 == 0 ? Errno.EACCES : Errno.EAGAIN) : SysResult.Success(),
                                     10_000, c.Pause, () => c.Now, out SysResult last);
        Assert.Equal(LockOutcome.Acquired, o);
        Assert.True(last.Ok);
        Assert.Equal(10, attempts);
        Assert.Equal([1, 2, 4, 8, 16, 32, 50, 50, 50], c.Pauses);
    }

    [Fact]
    public void HeldForeverEndsAtTheDeadlineNeverPausingPastIt()
    {
        var c = new FakeClock();
        int attempts = 0;
        LockOutcome o = LockWait.Run(() => { attempts++; return Busy; }, 10_000, c.Pause, () => c.Now, out SysResult last);
        Assert.Equal(LockOutcome.TimedOut, o);
        Assert.Equal(Errno.EAGAIN, last.Error);
        Assert.Equal(10_000, c.Now);            // the last pause is cut to what was left
        Assert.InRange(attempts, 200, 210);      // ~50 ms apart once backed off: prompt on release
        Assert.All(c.Pauses, p => Assert.InRange(p, 1, LockWait.MaxPauseMs));
    }

    [Fact]
    public void StopRequestedDuringAPauseEndsTheWaitAtOnce()
    {
        long now = 0;
        int pauses = 0;
        LockOutcome o = LockWait.Run(() => Busy, 10_000, ms => { now += ms; return ++pauses < 3; }, () => now, out _);
        Assert.Equal(LockOutcome.Stopped, o);
        Assert.Equal(3, pauses);
    }

    [Fact]
    public void AnErrorOtherThanContentionIsNotRetried()
    {
        var c = new FakeClock();
        int attempts = 0;
        LockOutcome o = LockWait.Run(() => { attempts++; return SysResult.Fail(Errno.EBADF); }, 10_000, c.Pause, () => c.Now, out SysResult last);
        Assert.Equal(LockOutcome.Failed, o);
        Assert.Equal(Errno.EBADF, last.Error);
        Assert.Equal(1, attempts);
        Assert.Empty(c.Pauses);
    }

    static FileStamp File(uint major, uint minor, ulong ino) => new((ulong)major << 32 | minor, ino, 0, 0, 0, 0, 0);

    const string Locks = """
        1: POSIX  ADVISORY  WRITE 700 08:01:5678 0 EOF
        1: -> POSIX  ADVISORY  WRITE 42 08:01:1234 0 EOF
        2: FLOCK  ADVISORY  WRITE 99 08:01:1234 0 EOF
        3: OFDLCK ADVISORY  WRITE -1 08:01:1234 0 EOF
        4: POSIX  ADVISORY  WRITE 0 08:01:1234 0 EOF
        5: POSIX  ADVISORY  READ  321 08:01:1234 0 EOF
        6: FLOCK  ADVISORY  WRITE 555 103:05:77 0 EOF
        garbage line
        """;

    [Fact]
    public void HolderIsFoundByDeviceInodeAndLockKindSkippingWaitersOfdInvisibleAndSelf()
    {
        Assert.Equal(99, LockHolders.Find(Locks, File(8, 1, 1234), "flock", self: 1));
        Assert.Equal(321, LockHolders.Find(Locks, File(8, 1, 1234), "fcntl", self: 1));  // not the waiter 42, not -1, not 0
        Assert.Equal(0, LockHolders.Find(Locks, File(8, 1, 1234), "flock", self: 99));
        Assert.Equal(0, LockHolders.Find(Locks, File(8, 2, 1234), "flock", self: 1));    // other device
        Assert.Equal(0, LockHolders.Find(Locks, File(8, 1, 5679), "fcntl", self: 1));    // other inode
        Assert.Equal(555, LockHolders.Find(Locks, File(259, 5, 77), "flock", self: 1));   // NVMe: major above 255, in hex
        Assert.Equal(0, LockHolders.Find("", File(8, 1, 1234), "flock", self: 1));
    }

    [Fact]
    public void WaiterAndMalformedLinesAreNotHolders()
    {
        Assert.False(LockHolders.Parse("1: -> FLOCK  ADVISORY  WRITE 42 08:01:1234 0 EOF", out _, out _, out _, out _, out _));
        Assert.False(LockHolders.Parse("1: FLOCK ADVISORY WRITE x 08:01:1234 0 EOF", out _, out _, out _, out _, out _));
        Assert.False(LockHolders.Parse("1: FLOCK ADVISORY WRITE 4 08:01 0 EOF", out _, out _, out _, out _, out _));
        Assert.True(LockHolders.Parse("12: FLOCK  ADVISORY  WRITE 4 fd:00:99 0 EOF", out string type, out int pid, out uint maj, out uint min, out ulong ino));
        Assert.Equal(("FLOCK", 4, 0xfdu, 0u, 99ul), (type, pid, maj, min, ino));
    }

    /// <summary>.NET's FileShare.None takes flock(LOCK_EX) on its own open file description,
    /// which conflicts with the pool's even within this process.</summary>
    [Fact]
    public void ALockHeldPastTheDeadlineAnswersHvEFailLogsOnceAndTheNextRequestIsServed()
    {
        using var t = new TempPools();
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "before", "1")));
        t.Service.PoolFor(1).LockTimeoutMs = 300;
        var sw = Stopwatch.StartNew();
        using (new FileStream(t.PoolPath(1), FileMode.Open, FileAccess.Read, FileShare.None))
        {
            Assert.Equal(HvStatus.E_FAIL, t.Status(Msg.Set(1, "during", "2")));
            Assert.InRange(sw.ElapsedMilliseconds, 290, 5000);
        }
        var lines = t.Log.Lines.Where(l => l.Message.Contains("Timed out acquiring the lock pool: 1", StringComparison.Ordinal)).ToList();
        Assert.Single(lines);
        Assert.Equal(LogLevel.Err, lines[0].Level);
        Assert.Contains(t.PoolPath(1) + " has its flock lock held by", lines[0].Message);
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "after", "3")));
        Assert.Equal(["before", "after"], PoolFileTests.Keys(System.IO.File.ReadAllBytes(t.PoolPath(1))));
    }

    [Fact]
    public void AStopDuringTheWaitEndsItWithinMilliseconds()
    {
        using var t = new TempPools();
        _ = t.Service;
        using var stop = new StopSignal(handleSignals: false);
        t.Service.WatchStop(stop);
        using (new FileStream(t.PoolPath(0), FileMode.Open, FileAccess.Read, FileShare.None))
        {
            var timer = new System.Threading.Timer(_ => stop.Request("test"), null, 200, System.Threading.Timeout.Infinite);
            var sw = Stopwatch.StartNew();
            Assert.Equal(HvStatus.E_FAIL, t.Status(Msg.Get(0, "k")));
            Assert.InRange(sw.ElapsedMilliseconds, 150, 5000);   // not the 10 s deadline
            timer.Dispose();
        }
        Assert.Single(t.Log.Lines, l => l.Message.Contains("pool: 0: GET given up while another program holds the flock lock", StringComparison.Ordinal));
    }

    /// <summary>The daemon loop gives its stop signal to the KVP service (IStopAware): a stop
    /// during a lock wait ends the wait, the request is answered HV_E_FAIL, the loop exits 0.</summary>
    [Fact]
    public void TheLoopsStopReachesALockWaitInsideARequest()
    {
        using var t = new TempPools();
        _ = t.Service;
        var reply = new byte[KvpLayout.MessageSize];
        reply[KvpLayout.Operation] = KvpOp.Register1;
        System.Text.Encoding.ASCII.GetBytes("3.1").CopyTo(reply, KvpLayout.RegisterVersion);
        var channel = new HvDaemons.Transport.InMemoryChannel(new HvDaemons.Transport.KvpRegistration(), reply);
        using var stop = new StopSignal(handleSignals: false);
        var loop = new ServiceLoop(channel, t.Service, t.Log, stop);
        channel.QueueFromHost(Msg.Set(1, "k", "v"));
        using (new FileStream(t.PoolPath(1), FileMode.Open, FileAccess.Read, FileShare.None))
        {
            using var timer = new System.Threading.Timer(_ => stop.Request("test"), null, 300, System.Threading.Timeout.Infinite);
            var sw = Stopwatch.StartNew();
            Assert.Equal(0, loop.Run());   // bounded anyway: the lock wait gives up after 10 s
            Assert.InRange(sw.ElapsedMilliseconds, 250, 5000);   // not the 10 s deadline
        }
        Assert.Equal(HvStatus.E_FAIL, Msg.Status(Assert.Single(channel.Replies)));
    }
}
