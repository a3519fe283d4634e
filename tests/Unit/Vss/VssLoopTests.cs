using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Text;
using HvDaemons.Daemon;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Vss;
using HvDaemons.Wire;
using Xunit;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Vss;

/// <summary>The VSS service inside the real daemon loop, over the in-memory kernel.</summary>
public sealed class VssLoopTests : IDisposable
{
    readonly FakeSysDevBlock _sys = new FakeSysDevBlock().Device("/dev/vda1", 254, 1).Device("/dev/vdb", 254, 16);
    readonly FakeFreezeOps _ops = new();
    readonly RecordingLogger _log = new();
    readonly InMemoryChannel _kernel = new(new VssRegistration(), BitConverter.GetBytes((uint)VssOp.Register1));
    readonly StopSignal _stop = new(handleSignals: false);
    readonly VssService _service;

    public VssLoopTests()
    {
        string mounts = Path.Combine(_sys.Root, "mounts");
        File.WriteAllText(mounts, "/dev/vda1 / ext4 rw 0 0\n/dev/vdb /data xfs rw 0 0\n");
        _service = new VssService(new VssPaths(mounts, _sys.Root), _log, new VssSettings(60_000), _ops, _sys.Lookup);
    }

    public void Dispose()
    {
        _stop.Dispose();
        _kernel.Dispose();
        _sys.Dispose();
    }

    static byte[] Op(byte op) { var m = new byte[VssLayout.MessageSize]; m[0] = op; return m; }

    int Run() => new ServiceLoop(_kernel, _service, _log, _stop).Run();

    [Fact]
    public void AStopWhileFrozenThawsBeforeTheLoopEnds()
    {
        _kernel.QueueFromHost(Op(VssOp.Freeze));
        _kernel.AfterSend = k => _stop.Request("SIGTERM");
        Assert.Equal(0, Run());
        Assert.Equal(HvStatus.S_OK, BinaryPrimitives.ReadUInt32LittleEndian(_kernel.Replies[0]));
        Assert.Empty(_ops.Frozen);
        Assert.Equal(0, _ops.OpenHandles);
        int thawed = _log.Lines.FindIndex(l => l.Message == "VSS: thawed 2 file system(s) before exit");
        int stopping = _log.Lines.FindIndex(l => l.Message == "stopping on SIGTERM");
        Assert.InRange(thawed, 0, stopping - 1);
    }

    [Fact]
    public void AFailedReplyWriteThawsBeforeReopening()
    {
        // The kernel timed out the FREEZE (or faked a THAW on hibernation): the reply gets EINVAL.
        _kernel.QueueFromHost(Op(VssOp.Freeze));
        _kernel.FailNextSendWith = Errno.EINVAL;
        int opensSeen = 0;
        var loop = new ServiceLoop(_kernel, _service, _log, _stop);
        loop.StateChanged = s =>
        {
            if (s == DaemonState.Ready && _kernel.Opens == 2 && opensSeen++ == 0) _stop.Request("test");
        };
        loop.Run();
        Assert.Equal(2, _kernel.Opens);
        Assert.Empty(_ops.Frozen);
        Assert.Contains("VSS: thawed 2 file system(s) before reopening the device", _log.Messages);
    }

    [Fact]
    public void FreezeAndThawThroughTheLoop()
    {
        _kernel.QueueFromHost(Op(VssOp.Freeze));
        _kernel.AfterSend = k =>
        {
            if (k.Replies.Count == 1) k.QueueFromHost(Op(VssOp.Thaw));
            else _stop.Request("test");
        };
        Assert.Equal(0, Run());
        Assert.Equal(2, _kernel.Replies.Count);
        Assert.All(_kernel.Replies, r => Assert.Equal(HvStatus.S_OK, BinaryPrimitives.ReadUInt32LittleEndian(r)));
        Assert.Empty(_ops.Frozen);
        Assert.DoesNotContain(_log.Messages, m => m.Contains("before exit"));
    }

    [Fact]
    public void Systemd_status_says_what_is_frozen_and_goes_back_after_the_thaw()
    {
        var sent = new List<string>();
        var notify = new SystemdNotify("@vss", _log, (_, d) => { sent.Add(Encoding.UTF8.GetString(d)); return SysResult.Success(); });
        _kernel.QueueFromHost(Op(VssOp.Freeze));
        _kernel.AfterSend = k =>
        {
            if (k.Replies.Count == 1) k.QueueFromHost(Op(VssOp.Thaw));
            else _stop.Request("SIGTERM");
        };

        Assert.Equal(0, new ServiceLoop(_kernel, _service, _log, _stop, notify).Run());

        Assert.Equal(new[]
        {
            "STATUS=registering with in-memory\n",
            "READY=1\nSTATUS=registered, protocol " + VssOp.Register1 + "\n",
            "STATUS=frozen: 2 filesystems\n",
            "STATUS=registered, protocol " + VssOp.Register1 + "\n",
            "STOPPING=1\nSTATUS=stopping on SIGTERM\n",
        }, sent);
    }
}
