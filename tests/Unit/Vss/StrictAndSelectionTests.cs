using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using HvDaemons.Logging;
using HvDaemons.Vss;
using HvDaemons.Vss.Config;
using HvDaemons.Vss.Hooks;
using HvDaemons.Wire;
using Xunit;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Vss;

/// <summary>vss.conf through the service: what is frozen, and strict mode's refusals.</summary>
public sealed class StrictAndSelectionTests : IDisposable
{
    readonly FakeSysDevBlock _sys = new FakeSysDevBlock()
        .Device("/dev/vda1", 254, 1).Device("/dev/vdb", 254, 16).Device("/dev/vdc", 254, 32).Device("/dev/loop0", 7, 0, "loop");
    readonly string _mounts;
    readonly FakeFreezeOps _ops = new();
    readonly RecordingLogger _log = new();
    readonly HookFolder _folder = new();

    public StrictAndSelectionTests()
    {
        _mounts = Path.Combine(_sys.Root, "mounts");
        File.WriteAllText(_mounts, "/dev/vda1 / ext4 rw 0 0\nproc /proc proc rw 0 0\ntmpfs /run tmpfs rw 0 0\n"
                                   + "/dev/vdb /data xfs rw 0 0\n/dev/vdc /srv/db ext4 rw 0 0\n");
    }

    public void Dispose()
    {
        _sys.Dispose();
        _folder.Dispose();
    }

    VssService Service(string conf)
    {
        VssConfig config = VssConfigReader.Parse("/etc/hyperv/vss.conf", conf, _log);
        Assert.Empty(_log.Lines);
        var hooks = new FreezeHooks(new HookDirectory(_folder.Path, _log, HookFolder.Owner), new FakeHookRunner(_ops.Calls), 1000, _log);
        return new VssService(new VssPaths(_mounts, _sys.Root), _log, VssSettings.Default, _ops, _sys.Lookup, config: config, hooks: hooks);
    }

    static uint Send(VssService s, byte op)
    {
        var m = new byte[VssLayout.MessageSize];
        m[VssLayout.Operation] = op;
        s.Handle(m, m.Length);
        return BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(VssLayout.Error));
    }

    string[] Frozen() => _ops.Calls.Where(c => c.StartsWith("freeze ", StringComparison.Ordinal)).Select(c => c[7..]).ToArray();

    [Theory]
    [InlineData("", "/data /srv/db /")]
    [InlineData("exclude-mount = /data\n", "/srv/db /")]
    [InlineData("exclude-mount = /srv/*\nexclude-fstype = xfs\n", "/")]
    [InlineData("include-fstype = ext4\n", "/srv/db /")]
    [InlineData("include-mount = /\n", "/")]
    [InlineData("include-mount = /srv/*\ninclude-mount = /data\nexclude-mount = /data\n", "/srv/db")]
    public void IncludeAndExcludeChooseWhatIsFrozen(string conf, string expected)
    {
        VssService s = Service(conf);
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Freeze));
        Assert.Equal(expected, string.Join(' ', Frozen()));
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Thaw));
        Assert.Empty(_ops.Frozen);
        // THAW walks the same selection: a left-out filesystem is not touched.
        Assert.Equal(expected.Split(' ').Order(), _ops.Calls.Where(c => c.StartsWith("open ", StringComparison.Ordinal))
                                                              .Select(c => c[5..]).Distinct().Order());
    }

    [Fact]
    public void ALeftOutMountIsNamedInTheNotFrozenLine()
    {
        Send(Service("exclude-mount = /data\n"), VssOp.Freeze);
        Assert.Contains("VSS: not frozen (writable, cannot be frozen): /run (tmpfs, no block device), "
                        + "/data (xfs, left out by /etc/hyperv/vss.conf)", _log.Messages);
    }

    [Fact]
    public void StrictModeRefusesCheckAndFreezeWhileAnUnfreezableWritableMountIsThere()
    {
        File.AppendAllText(_mounts, "server:/export /mnt/nfs nfs4 rw 0 0\n/dev/loop0 /img ext4 rw 0 0\nfoo /mnt/ro fuse.sshfs ro 0 0\n");
        _folder.Add("10-db");
        VssService s = Service("strict = yes\n");
        Assert.Equal(HvStatus.E_FAIL, Send(s, VssOp.HotBackup));
        const string line = "VSS: strict mode: writable but cannot be frozen: /mnt/nfs (nfs4, no block device), /img (ext4, loop device); "
                            + "exclude it in /etc/hyperv/vss.conf or set strict = no";
        Assert.Equal(new[] { "VSS: op=CHECK HOT BACKUP", line }, _log.Messages.Take(2));
        _log.Lines.Clear();

        Assert.Equal(HvStatus.E_FAIL, Send(s, VssOp.Freeze));
        Assert.DoesNotContain(_ops.Calls, c => !c.StartsWith("open", StringComparison.Ordinal));   // no hook, no FIFREEZE
        Assert.Equal((LogLevel.Err, line), (_log.Lines[0].Level, _log.Lines[0].Message));
        Assert.Equal("VSS: op=FREEZE: failed", _log.Lines[1].Message);
    }

    [Fact]
    public void StrictModeAcceptsWhatVssConfLeavesOutAndMemoryFilesystems()
    {
        File.AppendAllText(_mounts, "server:/export /mnt/nfs nfs4 rw 0 0\n/dev/loop0 /img ext4 rw 0 0\n");
        VssService s = Service("strict = yes\nexclude-fstype = nfs*\nexclude-mount = /img\n");
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.HotBackup));
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.Freeze));
        Assert.Equal("/data /srv/db /", string.Join(' ', Frozen()));
        Assert.DoesNotContain(_log.Messages, m => m.Contains("strict", StringComparison.Ordinal));
    }

    [Fact]
    public void WithoutStrictModeCheckDoesNotEvenReadTheMountTable()
    {
        VssService s = new(new VssPaths("/nonexistent/hvd/mounts", _sys.Root), _log);
        Assert.Equal(HvStatus.S_OK, Send(s, VssOp.HotBackup));
        Assert.Equal(new[] { "VSS: op=CHECK HOT BACKUP" }, _log.Messages);
    }
}
