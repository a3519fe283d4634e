using System;
using System.IO;
using HvDaemons.Logging;
using Xunit;

namespace HvDaemons.Tests.Vss;

/// <summary>Without a syslog socket lines fall back to stderr, but never while filesystems are frozen.</summary>
[Collection("console-stderr")]
public class SyslogDeferTests
{
    [Fact]
    public void StderrFallbackWaitsUntilLocalOutputIsAllowed()
    {
        TextWriter saved = Console.Error;
        var captured = new StringWriter();
        Console.SetError(captured);
        try
        {
            using var log = new SyslogLogger("Hyper-V VSS", "/nonexistent/hvd/log");
            log.Info("before");
            log.DeferLocalOutput = true;
            log.Info("while frozen");
            log.Err("still frozen");
            Assert.Equal("Hyper-V VSS: before\n", captured.ToString().Replace("\r", ""));
            log.DeferLocalOutput = false;
            Assert.Equal("Hyper-V VSS: before\nHyper-V VSS: while frozen\nHyper-V VSS: still frozen\n",
                         captured.ToString().Replace("\r", ""));
        }
        finally
        {
            Console.SetError(saved);
        }
    }
}
