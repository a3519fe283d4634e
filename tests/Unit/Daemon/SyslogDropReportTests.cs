using System;
using System.IO;
using System.Net.Sockets;
using System.Text;
using HvDaemons.Logging;
using Xunit;

namespace HvDaemons.Tests.Daemon;

/// <summary>A syslog that stops reading loses lines; the logger must say how many once it reads again.</summary>
public class SyslogDropReportTests
{
    [Fact]
    public void LostLinesAreReportedOnceTheSocketDrains()
    {
        string dir = Directory.CreateTempSubdirectory("hvd-syslog-").FullName;
        string path = Path.Combine(dir, "log");
        try
        {
            using var listener = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
            listener.ReceiveBufferSize = 4096;
            listener.Bind(new UnixDomainSocketEndPoint(path));
            using var log = new SyslogLogger("KVP", path);

            // Nobody reads: the socket buffer fills, then the logger's queue, then lines are lost.
            for (int i = 0; i < 2000; i++) log.Info("line " + i);
            Assert.True(log.Dropped > 0, "expected lost lines with a full socket and queue");
            int lost = log.Dropped;

            // Drain as syslog would, then log once more: the held lines and one report go out.
            var received = new StringBuilder();
            var buf = new byte[2048];
            void Drain()
            {
                while (listener.Available > 0)
                    received.Append(Encoding.UTF8.GetString(buf, 0, listener.Receive(buf))).Append('\n');
            }
            Drain();
            for (int round = 0; round < 50 && log.Dropped > 0; round++) { log.Flush(); Drain(); }
            log.Info("after");
            Drain();

            Assert.Equal(0, log.Dropped);
            string text = received.ToString();
            Assert.Contains("<12>", text);
            Assert.Contains("KVP: " + lost + " log lines were lost while syslog was not reading", text);
            Assert.Single(text.Split('\n'), l => l.Contains("were lost"));
            Assert.Contains("KVP: after", text);
        }
        finally
        {
            Directory.Delete(dir, true);
        }
    }
}
