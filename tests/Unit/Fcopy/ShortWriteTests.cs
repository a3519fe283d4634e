using System;
using System.Buffers.Binary;
using System.IO;
using HvDaemons.Fcopy;
using HvDaemons.Tests.Vss;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>
/// A WRITE_TO_FILE whose declared size is larger than the bytes that actually arrived (a
/// truncated read): the reply is HV_E_FAIL with one log line, nothing is written (not even the
/// stale bytes left in the receive buffer past the message), and the copy goes on.
/// </summary>
public sealed class ShortWriteTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-shortwrite-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    static uint Handle(FcopyService s, byte[] buffer, int length)
    {
        Assert.Equal(FcopyLayout.ReplySize, s.Handle(buffer, length));
        return BinaryPrimitives.ReadUInt32LittleEndian(buffer);
    }

    [Theory]
    [InlineData(100, 101)]      // one byte more than arrived
    [InlineData(100, 6144)]     // a full fragment declared, a sliver received
    [InlineData(0, 1)]          // the header only
    public void ADeclaredSizeBeyondTheReceivedBytesFailsAndWritesNothing(int received, int declared)
    {
        var log = new RecordingLogger();
        using var service = new FcopyService(log, NameEncoding.Utf8);
        var buffer = new byte[FcopyLayout.MaxMessageSize];
        byte[] start = FcopyMessages.Start(_dir, "f", 0, NameEncoding.Utf8);
        start.CopyTo(buffer, 0);
        Assert.Equal(HvStatus.S_OK, Handle(service, buffer, start.Length));

        // The whole buffer holds recognisable stale bytes; only WriteData + received of it is the message.
        buffer.AsSpan().Fill((byte)'S');
        byte[] write = FcopyMessages.Write(0, new byte[received], declaredSize: (uint)declared);
        write.AsSpan(0, FcopyLayout.WriteData + received).CopyTo(buffer);
        Assert.Equal(HvStatus.E_FAIL, Handle(service, buffer, FcopyLayout.WriteData + received));

        string path = Path.Combine(_dir, "f");
        Assert.Equal(0, new FileInfo(path).Length);
        Assert.Single(log.Lines, l => l.Message.StartsWith("WRITE_TO_FILE: fragment size " + declared, StringComparison.Ordinal));

        // The copy continues with a well-formed fragment.
        byte[] good = FcopyMessages.Write(0, "ok"u8);
        good.CopyTo(buffer, 0);
        Assert.Equal(HvStatus.S_OK, Handle(service, buffer, good.Length));
        FcopyMessages.Complete().CopyTo(buffer, 0);
        Assert.Equal(HvStatus.S_OK, Handle(service, buffer, FcopyLayout.HeaderSize));
        Assert.Equal("ok", File.ReadAllText(path));
    }
}
