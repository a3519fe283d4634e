using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using HvDaemons.Os;
using HvDaemons.Vss;
using HvDaemons.Wire;
using Xunit;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Vss;

/// <summary>
/// Two faults the mutation run found untested: a second freeze walk that fails must undo only
/// what that walk froze (not what an earlier FREEZE still holds), and a THAW that cannot read
/// /proc/mounts must thaw what it holds and still answer failure.
/// </summary>
public sealed class FreezeRollbackTests : IDisposable
{
    readonly FakeSysDevBlock _sys = new FakeSysDevBlock().Device("/dev/vda1", 254, 1).Device("/dev/vdb", 254, 16);
    readonly FakeFreezeOps _ops = new();
    readonly RecordingLogger _log = new();

    public void Dispose() => _sys.Dispose();

    [Fact]
    public void AFailedSecondWalkRollsBackFromWhereItBeganNotFromTheFirstMount()
    {
        var f = new Freezer(_ops);
        Assert.True(f.Freeze(new[] { "/a" }).Ok);
        _ops.FreezeErrors["/c"] = Errno.EOPNOTSUPP;

        FreezeOutcome second = f.Freeze(new[] { "/b", "/c" });

        Assert.Equal(("/c", Errno.EOPNOTSUPP), (second.FailedMountPoint, second.Errno));
        Assert.Equal(1, second.Rollback.Thawed);                   // /b only
        Assert.Equal(new[] { "/a" }, f.HeldMountPoints);            // the first walk's freeze stands
        Assert.True(_ops.Frozen.SetEquals(new[] { "/a" }));
        Assert.Equal("thaw /b", _ops.Calls.Last(c => c.StartsWith("thaw", StringComparison.Ordinal)));
        Assert.DoesNotContain("thaw /a", _ops.Calls);
        Assert.Equal(1, _ops.OpenHandles);                          // /a's descriptor, nothing leaked
    }

    [Fact]
    public void ThawWithoutAReadableMountTableThawsWhatItHoldsAndAnswersFailure()
    {
        string mounts = Path.Combine(_sys.Root, "mounts");
        File.WriteAllText(mounts, "/dev/vda1 / ext4 rw 0 0\n/dev/vdb /data xfs rw 0 0\n");
        var service = new VssService(new VssPaths(mounts, _sys.Root), _log, new VssSettings(5000, ThawRetryMs: 250), _ops, _sys.Lookup, () => 1000);
        Assert.Equal(HvStatus.S_OK, Send(service, VssOp.Freeze));
        Assert.Equal(2, service.FrozenCount);

        File.Delete(mounts);
        Assert.Equal(HvStatus.E_FAIL, Send(service, VssOp.Thaw));

        Assert.Empty(_ops.Frozen);                 // what we held is thawed regardless
        Assert.Equal(0, service.FrozenCount);
        Assert.Contains(_log.Lines, l => l.Message.StartsWith("VSS: cannot read " + mounts, StringComparison.Ordinal));
        Assert.Contains(_log.Lines, l => l.Message == "VSS: op=THAW: failed");
    }

    static uint Send(VssService s, byte op)
    {
        var m = new byte[VssLayout.MessageSize];
        m[VssLayout.Operation] = op;
        Assert.Equal(VssLayout.MessageSize, s.Handle(m, m.Length));
        return BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(VssLayout.Error));
    }
}
