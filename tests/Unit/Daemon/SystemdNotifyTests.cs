using System;
using System.Collections.Generic;
using System.IO;
using System.Net.Sockets;
using System.Text;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Daemon;

/// <summary>sd_notify datagrams: to a real socket the test binds (path and abstract name),
/// READY=1 once, STATUS on later registrations, and nothing without $NOTIFY_SOCKET.</summary>
public class SystemdNotifyTests
{
    /// <summary>A datagram socket bound like systemd's notify socket.</summary>
    sealed class Listener : IDisposable
    {
        readonly Socket _socket = new(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        readonly string? _file;

        public Listener(bool isAbstract)
        {
            string name = "hvd-notify-" + Guid.NewGuid().ToString("N");
            if (isAbstract)
            {
                Address = "@" + name;
                _socket.Bind(new UnixDomainSocketEndPoint("\0" + name));
            }
            else
            {
                _file = Path.Combine(Path.GetTempPath(), name);
                Address = _file;
                _socket.Bind(new UnixDomainSocketEndPoint(_file));
            }
            _socket.ReceiveTimeout = 2000;
        }

        public string Address { get; }

        public string Receive()
        {
            var buffer = new byte[4096];
            int n = _socket.Receive(buffer);
            return Encoding.UTF8.GetString(buffer, 0, n);
        }

        public bool Pending => _socket.Available > 0;

        public void Dispose()
        {
            _socket.Dispose();
            if (_file is not null) File.Delete(_file);
        }
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Ready_reaches_a_bound_socket_once_then_only_status(bool isAbstract)
    {
        using var listener = new Listener(isAbstract);
        var notify = new SystemdNotify(listener.Address, new MemoryLogger());

        notify.Ready("registered, protocol 3.1");
        notify.Ready("registered, protocol 3.1");   // same status again: nothing to say
        notify.Ready("registered, protocol 4.0");
        notify.Stopping("stopping on SIGTERM");

        Assert.Equal("READY=1\nSTATUS=registered, protocol 3.1\n", listener.Receive());
        Assert.Equal("STATUS=registered, protocol 4.0\n", listener.Receive());
        Assert.Equal("STOPPING=1\nSTATUS=stopping on SIGTERM\n", listener.Receive());
        Assert.False(listener.Pending);
        Assert.True(notify.ReadySent);
    }

    [Fact]
    public void Without_a_socket_nothing_is_sent_and_nothing_logged()
    {
        int sends = 0;
        var log = new MemoryLogger();
        var notify = new SystemdNotify(null, log, (_, _) => { sends++; return SysResult.Success(); });

        notify.Ready("registered, protocol 3.1");
        notify.Status("x");
        notify.Stopping("y");

        Assert.False(notify.Enabled);
        Assert.Equal(0, sends);
        Assert.Empty(log.Lines);
    }

    [Theory]
    [InlineData("vsock:2:1234")]
    [InlineData("relative/path")]
    [InlineData("@")]
    public void An_address_of_another_form_is_logged_once_and_ignored(string address)
    {
        var log = new MemoryLogger();
        var notify = new SystemdNotify(address, log, (_, _) => throw new InvalidOperationException("must not send"));

        notify.Ready("registered");

        Assert.False(notify.Enabled);
        Assert.Single(log.Lines, l => l.Level == LogLevel.Err && l.Message.Contains(address));
    }

    [Fact]
    public void A_missing_listener_is_logged_once_not_per_message()
    {
        var log = new MemoryLogger();
        var notify = new SystemdNotify("@hvd-nobody-" + Guid.NewGuid().ToString("N"), log);

        notify.Ready("a");
        notify.Status("b");
        notify.Status("c");

        Assert.Single(log.Lines, l => l.Level == LogLevel.Err && l.Message.StartsWith("cannot notify systemd at @hvd-nobody-"));
    }

    [Fact]
    public void Status_is_one_line_whatever_the_text()
        => Assert.Equal("STATUS=a b\n", SystemdNotify.Message(ready: false, stopping: false, "a\nb"));

    [Fact]
    public void FromEnvironment_takes_the_variable_away_from_children()
    {
        Environment.SetEnvironmentVariable(SystemdNotify.SocketVariable, "@hvd-env-test");
        try
        {
            SystemdNotify notify = SystemdNotify.FromEnvironment(new MemoryLogger());
            Assert.True(notify.Enabled);
            Assert.Null(Environment.GetEnvironmentVariable(SystemdNotify.SocketVariable));
        }
        finally
        {
            Environment.SetEnvironmentVariable(SystemdNotify.SocketVariable, null);
        }
    }

    static byte[] KvpRegistrationReply(string version)
    {
        var m = new byte[KvpLayout.MessageSize];
        m[KvpLayout.Operation] = KvpOp.Register1;
        Encoding.ASCII.GetBytes(version).CopyTo(m, KvpLayout.RegisterVersion);
        return m;
    }

    [Fact]
    public void The_loop_says_ready_only_after_the_reply_and_never_again_after_a_reopen()
    {
        var sent = new List<string>();
        var states = new List<DaemonState>();
        var handler = new RecordingHandler(KvpLayout.MessageSize);
        var channel = new InMemoryChannel(new KvpRegistration(), KvpRegistrationReply("3.1"));
        using var stop = new StopSignal(handleSignals: false);
        var notify = new SystemdNotify("@loop", new MemoryLogger(), (_, d) => { sent.Add(Encoding.UTF8.GetString(d)); return SysResult.Success(); });
        var request = new byte[KvpLayout.MessageSize];
        request[KvpLayout.Operation] = KvpOp.Enumerate;
        channel.QueueFromHost(request);
        channel.FailNextSendWith = Errno.EINVAL;   // forces a reopen and a second registration
        bool reopened = false;
        var loop = new ServiceLoop(channel, handler, new MemoryLogger(), stop, notify)
        {
            StateChanged = s =>
            {
                states.Add(s);
                // While the registration reply is outstanding, nothing says READY.
                if (s == DaemonState.Registering && !reopened) Assert.DoesNotContain(sent, m => m.Contains("READY=1"));
                if (s == DaemonState.Reopening) reopened = true;
                else if (s == DaemonState.Ready && reopened) stop.Request("test");
            },
        };

        Assert.Equal(0, loop.Run());

        Assert.Equal(2, channel.Registrations.Count);
        Assert.Equal(new[]
        {
            "STATUS=registering with " + channel.Description + "\n",
            "READY=1\nSTATUS=registered, protocol 3.1\n",
            "STATUS=reopening " + channel.Description + " after an error\n",
            "STATUS=registering with " + channel.Description + "\n",
            "STATUS=registered, protocol 3.1\n",
            "STOPPING=1\nSTATUS=stopping on test\n",
        }, sent);
    }

    [Fact]
    public void A_missing_device_is_one_line_ready_and_exit_0_so_systemd_does_not_restart_it()
    {
        var sent = new List<string>();
        var log = new MemoryLogger();
        var channel = new InMemoryChannel(new KvpRegistration(), KvpRegistrationReply("3.1")) { FailNextOpenWith = Errno.ENOENT };
        using var stop = new StopSignal(handleSignals: false);
        var notify = new SystemdNotify("@absent", new MemoryLogger(), (_, d) => { sent.Add(Encoding.UTF8.GetString(d)); return SysResult.Success(); });

        int exit = new ServiceLoop(channel, new RecordingHandler(KvpLayout.MessageSize), log, stop, notify).Run();

        Assert.Equal(0, exit);
        Assert.Equal(1, channel.Opens);
        var line = Assert.Single(log.Lines);
        Assert.Equal((LogLevel.Info, "no in-memory: nothing to serve on this machine; exiting"), (line.Level, line.Message));
        Assert.Equal(new[] { "READY=1\nSTATUS=not started: no in-memory\n", "STOPPING=1\n" }, sent);
    }

    [Fact]
    public void A_device_that_goes_away_after_registering_is_an_error_not_absence()
    {
        var log = new MemoryLogger();
        var channel = new InMemoryChannel(new KvpRegistration(), KvpRegistrationReply("3.1"));
        var request = new byte[KvpLayout.MessageSize];
        request[KvpLayout.Operation] = KvpOp.Enumerate;
        channel.QueueFromHost(request);
        channel.FailNextSendWith = Errno.EINVAL;
        using var stop = new StopSignal(handleSignals: false);
        var loop = new ServiceLoop(channel, new RecordingHandler(KvpLayout.MessageSize), log, stop)
        {
            StateChanged = s => { if (s == DaemonState.Reopening) channel.FailNextOpenWith = Errno.ENOENT; },
        };

        Assert.Equal(1, loop.Run());
        Assert.Contains(log.Lines, l => l.Level == LogLevel.Err && l.Message.StartsWith("open in-memory failed; error: 2 "));
        Assert.DoesNotContain(log.Lines, l => l.Message.Contains("nothing to serve"));
    }
}
