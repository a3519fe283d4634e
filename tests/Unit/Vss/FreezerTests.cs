using HvDaemons.Os;
using HvDaemons.Vss;
using Xunit;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Vss;

public class FreezerTests
{
    [Fact]
    public void FreezesInOrderAndHoldsEachFilesystem()
    {
        var ops = new FakeFreezeOps();
        var f = new Freezer(ops);
        FreezeOutcome r = f.Freeze(new[] { "/a", "/b", "/" });
        Assert.True(r.Ok);
        Assert.Equal(new[] { "open /a", "freeze /a", "open /b", "freeze /b", "open /", "freeze /" }, ops.Calls);
        Assert.Equal(3, f.HeldCount);
        Assert.Equal(3, ops.OpenHandles);
    }

    [Fact]
    public void AFailureThawsWhatWasFrozenNewestFirstAndNamesTheMountPoint()
    {
        var ops = new FakeFreezeOps();
        ops.FreezeErrors["/c"] = Errno.EOPNOTSUPP;
        var f = new Freezer(ops);
        FreezeOutcome r = f.Freeze(new[] { "/a", "/b", "/c", "/" });
        Assert.False(r.Ok);
        Assert.Equal("/c", r.FailedMountPoint);
        Assert.Equal(Errno.EOPNOTSUPP, r.Errno);
        Assert.True(r.Rollback.Ok);
        Assert.Equal(2, r.Rollback.Thawed);
        Assert.Equal(new[] { "open /a", "freeze /a", "open /b", "freeze /b", "open /c", "freeze /c", "thaw /b", "thaw /a" }, ops.Calls);
        Assert.Empty(ops.Frozen);
        Assert.Equal(0, f.HeldCount);
        Assert.Equal(0, ops.OpenHandles);
    }

    [Fact]
    public void AnOpenFailureAlsoRollsBack()
    {
        var ops = new FakeFreezeOps();
        ops.OpenErrors["/b"] = Errno.EACCES;
        var f = new Freezer(ops);
        FreezeOutcome r = f.Freeze(new[] { "/a", "/b" });
        Assert.Equal(("/b", Errno.EACCES), (r.FailedMountPoint, r.Errno));
        Assert.Empty(ops.Frozen);
    }

    [Fact]
    public void EbusyOnFreezeIsSuccessButNotHeld()
    {
        var ops = new FakeFreezeOps();
        ops.Filesystem["/bind"] = "/a";   // the same filesystem mounted twice
        var f = new Freezer(ops);
        Assert.True(f.Freeze(new[] { "/a", "/bind" }).Ok);
        Assert.Equal(1, f.HeldCount);
        Assert.Equal(1, ops.OpenHandles);
    }

    [Fact]
    public void ThawAllThawsHeldThenWalksAndTakesEinvalAsSuccess()
    {
        var ops = new FakeFreezeOps();
        var f = new Freezer(ops);
        f.Freeze(new[] { "/a" });
        ops.Frozen.Add("/left-by-earlier-daemon");
        ops.Calls.Clear();
        ThawOutcome r = f.ThawAll(new[] { "/a", "/left-by-earlier-daemon" });
        Assert.True(r.Ok);
        Assert.Equal(2, r.Thawed);
        Assert.Equal(new[] { "thaw /a", "open /a", "thaw /a", "open /left-by-earlier-daemon", "thaw /left-by-earlier-daemon" }, ops.Calls);
        Assert.Empty(ops.Frozen);
        Assert.Equal(0, ops.OpenHandles);
    }

    [Fact]
    public void ThawWalkContinuesPastFailuresAndReportsTheFirst()
    {
        var ops = new FakeFreezeOps();
        ops.Frozen.UnionWith(new[] { "/a", "/b", "/c" });
        ops.ThawErrors["/a"] = Errno.EIO;
        ops.OpenErrors["/b"] = Errno.ENOENT;
        ThawOutcome r = new Freezer(ops).ThawAll(new[] { "/a", "/b", "/c" });
        Assert.Equal(("/a", Errno.EIO, 1), (r.FailedMountPoint, r.Errno, r.Thawed));
        Assert.DoesNotContain("/c", ops.Frozen);
    }

    [Fact]
    public void ThawWalkPassesOverABindMountedSocket()
    {
        var ops = new FakeFreezeOps();
        ops.Frozen.Add("/a");
        ops.OpenErrors["/run/sock"] = Errno.ENXIO;   // open(2) of a socket
        ThawOutcome r = new Freezer(ops).ThawAll(new[] { "/run/sock", "/a" });
        Assert.True(r.Ok);
        Assert.Equal(1, r.Thawed);
        Assert.Empty(ops.Frozen);
    }

    [Fact]
    public void AFailedThawStaysHeldForARetry()
    {
        var ops = new FakeFreezeOps { ThawFailuresLeft = 1 };
        ops.ThawErrors["/a"] = Errno.EIO;
        var f = new Freezer(ops);
        f.Freeze(new[] { "/a", "/b" });
        ThawOutcome first = f.ThawHeld();
        Assert.Equal(("/a", 1), (first.FailedMountPoint, first.Thawed));
        Assert.Equal(new[] { "/a" }, f.HeldMountPoints);
        ThawOutcome second = f.ThawHeld();
        Assert.True(second.Ok);
        Assert.Equal(0, f.HeldCount);
        Assert.Empty(ops.Frozen);
    }
}
