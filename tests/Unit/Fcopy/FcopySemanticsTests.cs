using System;
using System.Buffers.Binary;
using System.IO;
using HvDaemons.Daemon;
using HvDaemons.Fcopy;
using HvDaemons.Logging;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>The handler alone: what both transports hand to FcopyService.Handle.</summary>
sealed class DirectHost(NameEncoding encoding) : IFcopyHost
{
    public readonly MemoryLogger Log = new();
    readonly byte[] _buffer = new byte[HvDaemons.Wire.FcopyLayout.MaxMessageSize];
    FcopyService? _service;

    FcopyService Service => _service ??= new FcopyService(Log, encoding);
    public NameEncoding Encoding => encoding;

    public uint Send(byte[] message)
    {
        Array.Clear(_buffer);
        message.CopyTo(_buffer, 0);
        int n = Service.Handle(_buffer, message.Length);
        Assert.Equal(4, n);
        return BinaryPrimitives.ReadUInt32LittleEndian(_buffer);
    }

    public void ResetTransport() => Service.OnReset(ResetReason.Reopen);
    public void Dispose() => _service?.Dispose();
}

public sealed class FcopySemanticsTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-fcopy-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [MemberData(nameof(FcopyCases.Names), MemberType = typeof(FcopyCases))]
    public void CharDeviceNames(string name)
    {
        using var host = new DirectHost(NameEncoding.Utf8);
        FcopyCases.Run(name, host, _dir);
    }

    [Theory]
    [MemberData(nameof(FcopyCases.Names), MemberType = typeof(FcopyCases))]
    public void Utf16Names(string name)
    {
        using var host = new DirectHost(NameEncoding.Utf16Le);
        FcopyCases.Run(name, host, _dir);
    }

    [Fact]
    public void ShutdownRemovesPartialFileAndLogsWhy()
    {
        var host = new DirectHost(NameEncoding.Utf8);
        Assert.Equal(0u, host.Send(FcopyMessages.Start(_dir, "p", 0, NameEncoding.Utf8)));
        host.Dispose();
        Assert.False(File.Exists(_dir + "/p"));
        Assert.Contains(host.Log.Lines, l => l.Message.Contains("abandoned: daemon stopping"));
    }

    [Fact]
    public void BadInputIsLoggedOneLineEach()
    {
        using var host = new DirectHost(NameEncoding.Utf16Le);
        host.Send(FcopyMessages.Op(42));
        host.Send(FcopyMessages.Write(0, new byte[1]));
        Assert.Contains(host.Log.Lines, l => l.Level == LogLevel.Err && l.Message == "Unknown operation: 42");
        Assert.Contains(host.Log.Lines, l => l.Level == LogLevel.Err && l.Message.StartsWith("Write without an open file"));
    }
}
