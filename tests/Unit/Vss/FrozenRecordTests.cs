using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Vss;
using HvDaemons.Wire;
using Xunit;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Vss;

/// <summary>
/// The record of what may be frozen (<see cref="FrozenRecord"/>) and the start-up thaw that
/// reads it (<see cref="CrashThaw"/>), in a temp directory with a fake stat() and freeze ops.
/// </summary>
public sealed class FrozenRecordTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-frozen-").FullName;
    readonly Dictionary<string, DeviceNumber> _mounted = new()
    {
        ["/"] = new DeviceNumber(254, 1, false),
        ["/data"] = new DeviceNumber(254, 16, false),
    };
    readonly RecordingLogger _log = new();
    readonly FakeFreezeOps _ops = new();

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string RecordPath => Path.Combine(_dir, "hyperv-vss", "frozen");

    FrozenRecord Record() => new(RecordPath, _log, Lookup);

    SysResult Lookup(string path, out DeviceNumber device)
        => _mounted.TryGetValue(path, out device) ? SysResult.Success() : SysResult.Fail(Errno.ENOENT);

    void WriteRecord(string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(RecordPath)!);
        File.WriteAllText(RecordPath, text);
    }

    [Fact]
    public void Format_and_parse_round_trip_with_escaped_mount_points()
    {
        var entries = new[]
        {
            new FrozenFilesystem("/mnt/with space", 8, 1),
            new FrozenFilesystem("/mnt/tab\there\\and\nnewline", 259, 1048575),
            new FrozenFilesystem("/mnt/données", 4095, 0),
            new FrozenFilesystem("/", 254, 1),
        };
        string text = FrozenRecord.Format(entries);
        Assert.Equal("hv_vss_daemon frozen v1\n8:1 /mnt/with\\040space\n259:1048575 /mnt/tab\\011here\\134and\\012newline\n"
                     + "4095:0 /mnt/données\n254:1 /\n", text);
        Assert.True(FrozenRecord.TryParse(Encoding.UTF8.GetBytes(text), out List<FrozenFilesystem> parsed, out string error), error);
        Assert.Equal(entries, parsed);
    }

    [Fact]
    public void Save_writes_what_load_reads_and_leaves_no_temporary_file()
    {
        Assert.True(Record().Save(new[] { "/data", "/", "/data", "/gone" }));
        Assert.Equal(RecordState.Loaded, Record().Load(out List<FrozenFilesystem> entries));
        // Duplicates once; a mount point that cannot be stat()ed cannot be frozen either.
        Assert.Equal(new[] { new FrozenFilesystem("/data", 254, 16), new FrozenFilesystem("/", 254, 1) }, entries);
        Assert.Equal(new[] { "frozen" }, Directory.GetFiles(Path.GetDirectoryName(RecordPath)!).Select(Path.GetFileName));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(RecordPath));
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void A_missing_record_is_silent_and_thaws_nothing()
    {
        Assert.Equal(RecordState.Missing, Record().Load(out List<FrozenFilesystem> entries));
        Assert.Empty(entries);
        CrashThaw.ThawRecorded(Record(), _ops, _log);
        Assert.Empty(_ops.Calls);
        Assert.Empty(_log.Lines);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("254:1 /\n", "no \"hv_vss_daemon frozen v1\" header")]
    [InlineData("hv_vss_daemon frozen v1\n254:1 /", "line 2 is not terminated")]
    [InlineData("hv_vss_daemon frozen v1\n254:1 /\nrm -rf /\n", "line 3 is not \"major:minor mount-point\"")]
    [InlineData("hv_vss_daemon frozen v1\n254 /\n", "line 2 is not \"major:minor mount-point\"")]
    [InlineData("hv_vss_daemon frozen v1\n-1:1 /\n", "line 2 is not \"major:minor mount-point\"")]
    [InlineData("hv_vss_daemon frozen v1\n254:1 relative\n", "line 2 is not \"major:minor mount-point\"")]
    [InlineData("hv_vss_daemon frozen v1\n254:1 /a b\n", "line 2 is not \"major:minor mount-point\"")]
    public void A_corrupt_record_is_logged_once_acted_on_never_and_removed(string text, string why)
    {
        WriteRecord(text);
        _ops.Frozen.Add("/");
        CrashThaw.ThawRecorded(Record(), _ops, _log);
        Assert.Equal(new[] { (LogLevel.Err, "VSS: ignoring " + RecordPath + ": " + why) }, _log.Lines.Select(l => (l.Level, l.Message)));
        Assert.Empty(_ops.Calls);
        Assert.Contains("/", _ops.Frozen);
        Assert.False(File.Exists(RecordPath));
    }

    [Fact]
    public void Invalid_UTF8_is_corrupt()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(RecordPath)!);
        File.WriteAllBytes(RecordPath, Encoding.UTF8.GetBytes("hv_vss_daemon frozen v1\n254:1 /").Concat(new byte[] { 0xFF, (byte)'\n' }).ToArray());
        Assert.Equal(RecordState.Bad, Record().Load(out _));
        Assert.Equal("VSS: ignoring " + RecordPath + ": not UTF-8", Assert.Single(_log.Messages));
    }

    [Fact]
    public void The_start_thaws_what_a_killed_instance_froze_and_logs_one_line()
    {
        _ops.Frozen.UnionWith(new[] { "/data", "/" });
        Assert.True(Record().Save(new[] { "/data", "/" }));

        CrashThaw.ThawRecorded(Record(), _ops, _log);

        Assert.Empty(_ops.Frozen);
        Assert.Equal(0, _ops.OpenHandles);
        var line = Assert.Single(_log.Lines);
        Assert.Equal((LogLevel.Warning, "VSS: an earlier instance died with file systems frozen; thawed /data, /"), (line.Level, line.Message));
        Assert.False(File.Exists(RecordPath));
    }

    [Fact]
    public void A_different_filesystem_now_mounted_at_the_path_is_left_alone()
    {
        Assert.True(Record().Save(new[] { "/data", "/" }));
        _mounted["/data"] = new DeviceNumber(254, 32, false);   // unmounted, another one mounted there
        _ops.Frozen.UnionWith(new[] { "/data", "/" });

        CrashThaw.ThawRecorded(Record(), _ops, _log);

        Assert.Equal(new[] { "open /", "thaw /" }, _ops.Calls);
        Assert.Equal(new[] { "/data" }, _ops.Frozen);
        Assert.Equal("VSS: an earlier instance died with file systems frozen; thawed /; "
                     + "not mounted there any more, left alone: /data (254:16)", Assert.Single(_log.Messages));
    }

    [Fact]
    public void Not_frozen_and_failed_thaws_are_said_in_the_same_line()
    {
        Assert.True(Record().Save(new[] { "/data", "/" }));
        _ops.Frozen.Add("/data");
        _ops.ThawErrors["/data"] = Errno.EIO;

        CrashThaw.ThawRecorded(Record(), _ops, _log);

        var line = Assert.Single(_log.Lines);
        Assert.Equal(LogLevel.Err, line.Level);
        Assert.Equal("VSS: an earlier instance died with file systems frozen; could not thaw /data (error "
                     + Errno.Describe(Errno.EIO) + "); not frozen any more: /", line.Message);
    }

    [Fact]
    public void A_running_instance_keeps_the_lock_and_its_freeze()
    {
        _ops.Frozen.Add("/data");
        Assert.True(Record().Save(new[] { "/data" }));
        IDisposable? first = CrashThaw.Run(Record(), new FakeFreezeOps(), _log);
        Assert.NotNull(first);
        Assert.True(Record().Save(new[] { "/data" }));   // the first instance froze again

        Assert.Null(CrashThaw.Run(Record(), _ops, _log));
        Assert.Contains("/data", _ops.Frozen);
        Assert.Contains("VSS: another instance holds " + RecordPath + ".lock; leaving what it froze alone", _log.Messages);
        Assert.True(File.Exists(RecordPath));

        first!.Dispose();   // as when the process dies, whatever kills it
        using IDisposable? again = CrashThaw.Run(Record(), _ops, _log);
        Assert.NotNull(again);
        Assert.Empty(_ops.Frozen);
    }

    [Fact]
    public void The_service_records_before_freezing_and_removes_after_the_thaw()
    {
        using var sys = new FakeSysDevBlock().Device("/dev/vda1", 254, 1).Device("/dev/vdb", 254, 16);
        string mounts = Path.Combine(sys.Root, "mounts");
        File.WriteAllText(mounts, "/dev/vda1 / ext4 rw 0 0\n/dev/vdb /data xfs rw 0 0\n");
        var service = new VssService(new VssPaths(mounts, sys.Root), _log, new VssSettings(60_000), _ops, sys.Lookup,
                                     record: Record());
        var recordedAtFreeze = new List<string>();
        _ops.BeforeFreeze = mp => recordedAtFreeze.Add(mp + (File.Exists(RecordPath) ? " recorded" : " not recorded"));

        Assert.Equal(HvStatus.S_OK, Send(service, VssOp.Freeze));
        Assert.Equal(new[] { "/data recorded", "/ recorded" }, recordedAtFreeze);
        Assert.Equal(RecordState.Loaded, Record().Load(out List<FrozenFilesystem> entries));
        Assert.Equal(new[] { new FrozenFilesystem("/data", 254, 16), new FrozenFilesystem("/", 254, 1) }, entries);

        // A second FREEZE while frozen does not write (the record's filesystem may be frozen).
        File.WriteAllText(RecordPath, "hv_vss_daemon frozen v1\n254:1 /\n");
        Assert.Equal(HvStatus.S_OK, Send(service, VssOp.Freeze));
        Assert.Equal("hv_vss_daemon frozen v1\n254:1 /\n", File.ReadAllText(RecordPath));

        Assert.Equal(HvStatus.S_OK, Send(service, VssOp.Thaw));
        Assert.False(File.Exists(RecordPath));

        // A freeze that fails part-way is rolled back, and so is its record.
        _ops.FreezeErrors["/"] = Errno.EIO;
        Assert.Equal(HvStatus.E_FAIL, Send(service, VssOp.Freeze));
        Assert.Empty(_ops.Frozen);
        Assert.False(File.Exists(RecordPath));
    }

    [Fact]
    public void A_record_that_cannot_be_written_is_logged_and_the_freeze_goes_on()
    {
        File.WriteAllText(Path.Combine(_dir, "hyperv-vss"), "a file where the directory should be");
        Assert.False(Record().Save(new[] { "/" }));
        string line = Assert.Single(_log.Messages);
        Assert.StartsWith("VSS: cannot write " + RecordPath + " (a crash while frozen would leave the guest frozen): ", line);
    }

    static uint Send(VssService s, byte op)
    {
        var m = new byte[VssLayout.MessageSize];
        m[VssLayout.Operation] = op;
        s.Handle(m, m.Length);
        return System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(VssLayout.Error));
    }
}
