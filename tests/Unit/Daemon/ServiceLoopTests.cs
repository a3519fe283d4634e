using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Vss;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Daemon;

/// <summary>The daemon state machine against the in-memory kernel: handshake, exchange, reopen, EBUSY.</summary>
public class ServiceLoopTests
{
    static byte[] KvpRegistrationReply(string version)
    {
        var m = new byte[KvpLayout.MessageSize];
        m[KvpLayout.Operation] = KvpOp.Register1;
        System.Text.Encoding.ASCII.GetBytes(version).CopyTo(m, KvpLayout.RegisterVersion);
        return m;
    }

    static byte[] U32(uint v)
    {
        var b = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(b, v);
        return b;
    }

    sealed class Harness : IDisposable
    {
        public readonly InMemoryChannel Channel;
        public readonly MemoryLogger Log = new();
        public readonly StopSignal Stop = new(handleSignals: false);
        public readonly ServiceLoop Loop;
        public readonly List<DaemonState> States = new();

        public Action<DaemonState>? OnState;

        public Harness(IRegistration registration, byte[] reply, IServiceHandler handler)
        {
            Channel = new InMemoryChannel(registration, reply);
            Loop = new ServiceLoop(Channel, handler, Log, Stop)
            {
                StateChanged = s => { States.Add(s); OnState?.Invoke(s); },
            };
        }

        /// <summary>Runs the loop, failing the test instead of hanging if it never stops.</summary>
        public int Run()
        {
            var run = System.Threading.Tasks.Task.Run(Loop.Run);
            if (!run.Wait(TimeSpan.FromSeconds(20)))
            {
                Stop.Request("test timeout");
                run.Wait(TimeSpan.FromSeconds(5));
                Assert.Fail("the loop did not stop; states: " + string.Join(",", States));
            }
            return run.Result;
        }

        public void Dispose() => Stop.Dispose();
    }

    [Fact]
    public void KvpRegistersWithFullMessageAndDoesNotAnswerTheEcho()
    {
        var handler = new RecordingHandler(KvpLayout.MessageSize);
        using var h = new Harness(new KvpRegistration(), KvpRegistrationReply("3.1"), handler);
        var request = new byte[KvpLayout.MessageSize];
        request[KvpLayout.Operation] = KvpOp.Enumerate;
        request[KvpLayout.Pool] = KvpPoolId.Auto;
        h.Channel.QueueFromHost(request);
        h.Channel.AfterSend = c => h.Stop.Request("test");

        int exit = h.Run();

        Assert.Equal(0, exit);
        byte[] registration = Assert.Single(h.Channel.Registrations);
        Assert.Equal(KvpLayout.MessageSize, registration.Length);
        Assert.Equal(KvpOp.Register1, registration[0]);
        Assert.Contains("registered 3.1", handler.Events);
        // Only the host request was handled and answered; the kernel's echo was not.
        Assert.Single(handler.Requests);
        byte[] reply = Assert.Single(h.Channel.Replies);
        Assert.Equal(KvpLayout.MessageSize, reply.Length);
        Assert.Equal(KvpOp.Enumerate, reply[^1]);   // the handler's reversed request
        Assert.Equal(new[] { DaemonState.Registering, DaemonState.Ready, DaemonState.Busy, DaemonState.Replying, DaemonState.Ready, DaemonState.Dying },
                     h.States);
    }

    [Fact]
    public void VssRegistersAndAnswersHotBackup()
    {
        var log = new MemoryLogger();
        var service = new VssService(VssPaths.Default, log);
        using var h = new Harness(new VssRegistration(), U32(VssOp.Register1), service);
        var request = new byte[VssLayout.MessageSize];
        request[VssLayout.Operation] = VssOp.HotBackup;
        h.Channel.QueueFromHost(request);
        h.Channel.AfterSend = c => h.Stop.Request("test");

        Assert.Equal(0, h.Run());

        byte[] registration = Assert.Single(h.Channel.Registrations);
        Assert.Equal(VssLayout.MessageSize, registration.Length);
        Assert.Equal(VssOp.Register1, registration[0]);
        byte[] reply = Assert.Single(h.Channel.Replies);
        Assert.Equal(VssLayout.MessageSize, reply.Length);
        Assert.Equal(HvStatus.S_OK, BinaryPrimitives.ReadUInt32LittleEndian(reply));
        Assert.Contains(log.Lines, l => l.Message == "VSS: kernel module version: 129");
    }

    [Fact]
    public void VssExitsOnAHandshakeReplyOfTheWrongSize()
    {
        var handler = new RecordingHandler(VssLayout.MessageSize);
        using var h = new Harness(new VssRegistration(), new byte[VssLayout.MessageSize], handler);

        Assert.Equal(1, h.Run());
        Assert.Contains(h.Log.Lines, l => l.Message == "invalid version negotiation");
        Assert.Empty(handler.Requests);
    }

    [Fact]
    public void FcopyRegistersWithVersionOneAndRepliesWithFourBytes()
    {
        var handler = new RecordingHandler(FcopyLayout.MaxMessageSize);
        using var h = new Harness(new FcopyRegistration(), U32(FcopyOp.CurrentVersion), handler);
        var request = new byte[FcopyLayout.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(request, FcopyOp.CompleteFcopy);
        h.Channel.QueueFromHost(request);
        h.Channel.AfterSend = c => h.Stop.Request("test");

        Assert.Equal(0, h.Run());

        byte[] registration = Assert.Single(h.Channel.Registrations);
        Assert.Equal(new byte[] { 1, 0, 0, 0 }, registration);
        Assert.Contains("registered 1", handler.Events);
        Assert.Equal(FcopyOp.CompleteFcopy, BinaryPrimitives.ReadUInt32LittleEndian(handler.Requests[0]));
    }

    [Fact]
    public void AReplyRejectedWithEinvalReopensAndRegistersAgain()
    {
        var handler = new RecordingHandler(VssLayout.MessageSize);
        using var h = new Harness(new VssRegistration(), U32(VssOp.Register1), handler);
        var request = new byte[VssLayout.MessageSize];
        request[0] = VssOp.Freeze;
        h.Channel.QueueFromHost(request);
        h.Channel.FailNextSendWith = Errno.EINVAL;   // the kernel timed the request out
        // The kernel dropped the request with the timeout; the host sends a new one once the
        // daemon has registered again.
        bool reopened = false;
        h.OnState = s =>
        {
            if (s == DaemonState.Reopening) reopened = true;
            else if (s == DaemonState.Ready && reopened && h.Channel.Replies.Count == 0) h.Channel.QueueFromHost(request);
        };
        h.Channel.AfterSend = c => { if (c.Replies.Count == 1) h.Stop.Request("test"); };

        Assert.Equal(0, h.Run());

        Assert.Equal(2, h.Channel.Opens);
        Assert.Equal(2, h.Channel.Registrations.Count);
        Assert.Contains(h.Log.Lines, l => l.Level == LogLevel.Err && l.Message.StartsWith("write failed; error: 22 "));
        Assert.Equal(new[] { "registered 129", "reset Reopen", "registered 129", "reset Shutdown" }, handler.Events);
        Assert.Single(h.Channel.Replies);   // the second attempt was answered
        Assert.Contains(DaemonState.Reopening, h.States);
    }

    [Fact]
    public void ABusyDeviceEndsTheDaemonWithStatusOne()
    {
        var handler = new RecordingHandler(KvpLayout.MessageSize);
        using var h = new Harness(new KvpRegistration(), KvpRegistrationReply("3.1"), handler);
        h.Channel.FailNextOpenWith = Errno.EBUSY;

        Assert.Equal(1, h.Run());

        Assert.Empty(h.Channel.Registrations);
        var line = Assert.Single(h.Log.Lines, l => l.Level == LogLevel.Err);
        Assert.Contains("error: 16 ", line.Message);
        Assert.Contains("another daemon", line.Message);
    }

    [Fact]
    public void KvpServesARequestThatArrivesBeforeTheRegistrationReply()
    {
        // Upstream processes any non-REGISTER1 message normally even while in handshake.
        var handler = new RecordingHandler(KvpLayout.MessageSize);
        var notAReply = new byte[KvpLayout.MessageSize];
        notAReply[0] = KvpOp.Get;
        using var h = new Harness(new KvpRegistration(), notAReply, handler);
        h.Channel.AfterSend = c => h.Stop.Request("test");

        Assert.Equal(0, h.Run());
        Assert.Single(handler.Requests);
        // Answered while the reply was still outstanding: back to waiting for it, never Ready.
        Assert.DoesNotContain(DaemonState.Ready, h.States);
    }
}
