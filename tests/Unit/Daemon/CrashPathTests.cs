using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Tests.Vss;
using HvDaemons.Transport;
using HvDaemons.Vss;
using HvDaemons.Wire;
using Xunit;
using HvDaemons.TestSupport;

namespace HvDaemons.Tests.Daemon;

/// <summary>
/// The one crash path (<see cref="DaemonMain.Serve"/>): an exception thrown from the handler or
/// the transport ends the daemon with one LOG_ERR line (type and message; the stack only with
/// debug on), the handler's undo with <see cref="ResetReason.Crash"/>, and status 1.
/// </summary>
public sealed class CrashPathTests : IDisposable
{
    readonly StopSignal _stop = new(handleSignals: false);
    readonly MemoryLogger _log = new();

    public void Dispose() => _stop.Dispose();

    /// <summary>Answers like <see cref="RecordingHandler"/> but throws on a request whose first byte is 0xEE.</summary>
    sealed class ThrowingHandler(int size) : IServiceHandler
    {
        readonly RecordingHandler _inner = new(size);
        public System.Collections.Generic.List<string> Events => _inner.Events;
        public int MaxMessageSize => size;
        public void OnRegistered(string version) => _inner.OnRegistered(version);
        public int Handle(Span<byte> buffer, int length)
            => buffer[0] == 0xEE ? throw new InvalidOperationException("injected fault") : _inner.Handle(buffer, length);
        public void OnReset(ResetReason reason)
        {
            _inner.OnReset(reason);
            if (ThrowOnReset) throw new IOException("undo fault");
        }
        public bool ThrowOnReset { get; set; }
        public int TimerDueMs() => -1;
        public void OnTimer() { }
    }

    static byte[] Message(byte first)
    {
        var m = new byte[VssLayout.MessageSize];
        m[0] = first;
        return m;
    }

    InMemoryChannel Vss() => new(new VssRegistration(), BitConverter.GetBytes((uint)VssOp.Register1));

    int Serve(InMemoryChannel channel, IServiceHandler handler)
    {
        var run = System.Threading.Tasks.Task.Run(() => DaemonMain.Serve(_log, _stop, () => new DaemonWiring(channel, handler)));
        if (!run.Wait(TimeSpan.FromSeconds(20)))
        {
            _stop.Request("test timeout");
            run.Wait(TimeSpan.FromSeconds(5));
            Assert.Fail("the loop did not end");
        }
        return run.Result;
    }

    string[] Lines(LogLevel level) => _log.Lines.Where(l => l.Level == level).Select(l => l.Message).ToArray();

    [Fact]
    public void An_exception_from_the_handler_is_logged_once_undone_and_exits_1()
    {
        var handler = new ThrowingHandler(VssLayout.MessageSize);
        using InMemoryChannel channel = Vss();
        channel.QueueFromHost(Message(5));
        channel.QueueFromHost(Message(0xEE));

        Assert.Equal(1, Serve(channel, handler));

        Assert.Single(channel.Replies);   // the first request was served, the second crashed
        Assert.Equal(new[] { "fatal: System.InvalidOperationException: injected fault" },
                     _log.Lines.Where(l => l.Message.StartsWith("fatal", StringComparison.Ordinal)).Select(l => l.Message));
        Assert.Contains("fatal: System.InvalidOperationException: injected fault", Lines(LogLevel.Err));
        Assert.DoesNotContain(_log.Lines, l => l.Message.Contains(" at ", StringComparison.Ordinal));
        // Undo once, with the crash reason, and not the clean stop's Shutdown on top.
        Assert.Equal(new[] { "reset Crash" }, handler.Events.Where(e => e.StartsWith("reset", StringComparison.Ordinal)));
        Assert.False(channel.IsOpen);
    }

    [Fact]
    public void With_debug_on_the_stack_follows_as_debug_lines()
    {
        _log.DebugEnabled = true;
        var handler = new ThrowingHandler(VssLayout.MessageSize);
        using InMemoryChannel channel = Vss();
        channel.QueueFromHost(Message(0xEE));

        Assert.Equal(1, Serve(channel, handler));

        string[] debug = Lines(LogLevel.Debug).Where(l => l.StartsWith("fatal: at ", StringComparison.Ordinal)).ToArray();
        Assert.NotEmpty(debug);
        Assert.Contains(debug, l => l.Contains(nameof(ThrowingHandler), StringComparison.Ordinal));
        Assert.Single(Lines(LogLevel.Err), l => l.StartsWith("fatal:", StringComparison.Ordinal));
    }

    [Fact]
    public void An_exception_from_the_transport_thaws_what_VSS_froze()
    {
        using var sys = new FakeSysDevBlock().Device("/dev/vda1", 254, 1).Device("/dev/vdb", 254, 16);
        string mounts = Path.Combine(sys.Root, "mounts");
        File.WriteAllText(mounts, "/dev/vda1 / ext4 rw 0 0\n/dev/vdb /data xfs rw 0 0\n");
        var ops = new FakeFreezeOps();
        var service = new VssService(new VssPaths(mounts, sys.Root), _log, new VssSettings(60_000), ops, sys.Lookup);
        using InMemoryChannel channel = Vss();
        channel.QueueFromHost(Message(VssOp.Freeze));
        channel.AfterSend = _ => throw new ObjectDisposedException("device", "injected transport fault");

        Assert.Equal(1, Serve(channel, service));

        Assert.Equal(HvStatus.S_OK, BinaryPrimitives.ReadUInt32LittleEndian(channel.Replies[0]));
        Assert.Empty(ops.Frozen);
        Assert.Equal(0, ops.OpenHandles);
        string[] messages = _log.Lines.Select(l => l.Message).ToArray();
        int fatal = Array.FindIndex(messages, m => m.StartsWith("fatal: System.ObjectDisposedException: injected transport fault", StringComparison.Ordinal));
        int thawed = Array.IndexOf(messages, "VSS: thawed 2 file system(s) before exit");
        Assert.InRange(fatal, 0, thawed - 1);
    }

    [Fact]
    public void A_failing_wiring_exits_1_with_the_line_and_nothing_to_undo()
    {
        int status = DaemonMain.Serve(_log, _stop, () => throw new FormatException("bad settings"));
        Assert.Equal(1, status);
        Assert.Equal(new[] { "fatal: System.FormatException: bad settings" }, Lines(LogLevel.Err));
    }

    [Fact]
    public void An_undo_that_throws_too_is_logged_and_the_status_stays_1()
    {
        var handler = new ThrowingHandler(VssLayout.MessageSize) { ThrowOnReset = true };
        using InMemoryChannel channel = Vss();
        channel.QueueFromHost(Message(0xEE));

        Assert.Equal(1, Serve(channel, handler));

        Assert.Equal(new[] { "fatal: System.InvalidOperationException: injected fault",
                             "fatal: the undo after the crash failed too: System.IO.IOException: undo fault" }, Lines(LogLevel.Err));
    }

    [Fact]
    public void A_clean_stop_is_not_a_crash()
    {
        var handler = new ThrowingHandler(VssLayout.MessageSize);
        using InMemoryChannel channel = Vss();
        channel.QueueFromHost(Message(5));
        channel.AfterSend = _ => _stop.Request("SIGTERM");

        Assert.Equal(0, Serve(channel, handler));

        Assert.Equal(new[] { "reset Shutdown" }, handler.Events.Where(e => e.StartsWith("reset", StringComparison.Ordinal)));
        Assert.DoesNotContain(_log.Lines, l => l.Message.StartsWith("fatal", StringComparison.Ordinal));
    }
}
