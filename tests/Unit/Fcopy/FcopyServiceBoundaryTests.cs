using System;
using System.Buffers.Binary;
using System.IO;
using HvDaemons.Daemon;
using HvDaemons.Fcopy;
using HvDaemons.Logging;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>FcopyService at the exact length limits of each message, and what it reports outside them.</summary>
public sealed class FcopyServiceBoundaryTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-fcopy-edge-").FullName;
    readonly MemoryLogger _log = new();
    readonly FcopyService _service;

    public FcopyServiceBoundaryTests() => _service = new FcopyService(_log, NameEncoding.Utf8);

    public void Dispose()
    {
        _service.Dispose();
        Directory.Delete(_dir, recursive: true);
    }

    /// <summary>Hands <paramref name="length"/> bytes of <paramref name="message"/> to the service, as a read of that size.</summary>
    uint Handle(byte[] message, int length)
    {
        var buffer = new byte[FcopyLayout.MaxMessageSize];
        message.AsSpan(0, Math.Clamp(length, 0, message.Length)).CopyTo(buffer);
        Assert.Equal(FcopyLayout.ReplySize, _service.Handle(buffer, length));
        return BinaryPrimitives.ReadUInt32LittleEndian(buffer);
    }

    [Fact]
    public void TheOperationAloneIsEnoughForCancelAndComplete()
    {
        Assert.Equal(HvStatus.S_OK, Handle(FcopyMessages.Cancel(), FcopyLayout.ServiceId0));
        Assert.Equal(HvStatus.S_OK, Handle(FcopyMessages.Complete(), FcopyLayout.ServiceId0));
        Assert.Equal(HvStatus.E_FAIL, Handle(FcopyMessages.Cancel(), FcopyLayout.ServiceId0 - 1));
        Assert.Equal(HvStatus.E_FAIL, Handle(FcopyMessages.Cancel(), -5));   // a length below zero is none
    }

    [Fact]
    public void AnUnknownOperationFails()
    {
        Assert.Equal(HvStatus.E_FAIL, Handle(FcopyMessages.Op(4), FcopyLayout.HeaderSize));
        Assert.Single(_log.Lines, l => l.Level == LogLevel.Err);
    }

    [Fact]
    public void StartNeedsEverythingUpToTheCopyFlags()
    {
        byte[] start = FcopyMessages.Start(_dir, "edge", FcopyOp.OverWrite, NameEncoding.Utf8);
        Assert.Equal(HvStatus.E_FAIL, Handle(start, FcopyLayout.CopyFlags + 3));
        Assert.Null(_service.CurrentTarget);
        Assert.Equal(HvStatus.S_OK, Handle(start, FcopyLayout.CopyFlags + 4));   // file_size is ignored
        Assert.Equal(Path.Combine(_dir, "edge"), _service.CurrentTarget);
    }

    [Fact]
    public void BothNameFieldsAreChecked()
    {
        var bad = new byte[] { 0xC3, 0x00 };   // truncated UTF-8 sequence
        var good = System.Text.Encoding.UTF8.GetBytes("ok\0");
        var path = System.Text.Encoding.UTF8.GetBytes(_dir + "\0");
        Assert.Equal(HvStatus.E_FAIL, Handle(FcopyMessages.StartRaw(bad, good, 0), FcopyLayout.StartSize));
        Assert.Contains(_log.Lines, l => l.Message.Contains("unusable path_name"));
        Assert.Equal(HvStatus.E_FAIL, Handle(FcopyMessages.StartRaw(path, bad, 0), FcopyLayout.StartSize));
        Assert.Contains(_log.Lines, l => l.Message.Contains("unusable file_name"));
        Assert.Null(_service.CurrentTarget);
        Assert.Equal(HvStatus.S_OK, Handle(FcopyMessages.StartRaw(path, good, 0), FcopyLayout.StartSize));
        Assert.Equal(Path.Combine(_dir, "ok"), _service.CurrentTarget);
    }

    [Fact]
    public void WriteLimits()
    {
        Assert.Equal(HvStatus.S_OK, Handle(FcopyMessages.Start(_dir, "w", 0, NameEncoding.Utf8), FcopyLayout.StartSize));
        // No data: the header up to size is enough.
        Assert.Equal(HvStatus.S_OK, Handle(FcopyMessages.Write(0, ReadOnlySpan<byte>.Empty), FcopyLayout.WriteData));
        Assert.Equal(HvStatus.E_FAIL, Handle(FcopyMessages.Write(0, ReadOnlySpan<byte>.Empty), FcopyLayout.WriteData - 1));
        // A whole fragment, exactly as much as arrived.
        var fragment = new byte[FcopyLayout.DataFragment];
        Array.Fill(fragment, (byte)'x');
        Assert.Equal(HvStatus.S_OK, Handle(FcopyMessages.Write(0, fragment), FcopyLayout.WriteMessageSize));
        // Declared one byte beyond the fragment limit, even though the read was long enough.
        var longer = new byte[FcopyLayout.WriteMessageSize + 1];
        FcopyMessages.Write(0, fragment, declaredSize: FcopyLayout.DataFragment + 1).CopyTo(longer, 0);
        var buffer = new byte[longer.Length];
        longer.CopyTo(buffer, 0);
        Assert.Equal(FcopyLayout.ReplySize, _service.Handle(buffer, buffer.Length));
        Assert.Equal(HvStatus.E_FAIL, BinaryPrimitives.ReadUInt32LittleEndian(buffer));

        Assert.Equal(HvStatus.S_OK, Handle(FcopyMessages.Complete(), FcopyLayout.HeaderSize));
        Assert.Equal(FcopyLayout.DataFragment, new FileInfo(Path.Combine(_dir, "w")).Length);
    }

    [Theory]
    [InlineData(ResetReason.Reopen, "transport reset")]
    [InlineData(ResetReason.Shutdown, "daemon stopping")]
    public void AResetMidCopyRemovesThePartialFileAndSaysWhy(ResetReason reason, string why)
    {
        Assert.Equal(HvStatus.S_OK, Handle(FcopyMessages.Start(_dir, "half", 0, NameEncoding.Utf8), FcopyLayout.StartSize));
        _service.OnReset(reason);
        Assert.False(File.Exists(Path.Combine(_dir, "half")));
        Assert.Null(_service.CurrentTarget);
        Assert.Contains(_log.Lines, l => l.Message.EndsWith("abandoned: " + why, StringComparison.Ordinal));
    }

    [Fact]
    public void NoTimerAndTheLargestMessageIsAFullWrite()
    {
        Assert.Equal(-1, _service.TimerDueMs());
        _service.OnTimer();
        Assert.Equal(FcopyLayout.WriteMessageSize, _service.MaxMessageSize);
    }
}
