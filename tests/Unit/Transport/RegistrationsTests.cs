using System;
using System.Buffers.Binary;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Transport;

/// <summary>What each service's registration writes and how it classifies the kernel's answer.</summary>
public class RegistrationsTests
{
    [Fact]
    public void KvpWritesRegister1AndReadsTheEchoedVersion()
    {
        var reg = new KvpRegistration();
        var request = new byte[reg.RequestSize];
        reg.WriteRequest(request);
        Assert.Equal(KvpLayout.MessageSize, request.Length);
        Assert.Equal(KvpOp.Register1, request[KvpLayout.Operation]);

        byte[] echo = (byte[])request.Clone();
        "3.1"u8.CopyTo(echo.AsSpan(KvpLayout.RegisterVersion));
        Assert.Equal(HandshakeOutcome.Accepted, reg.Check(echo, out string version));
        Assert.Equal("3.1", version);
    }

    [Fact]
    public void KvpTakesOtherMessagesAsRequestsAndLeavesNoVersion()
    {
        var reg = new KvpRegistration();
        var other = new byte[KvpLayout.MessageSize];
        other[KvpLayout.Operation] = (byte)(KvpOp.Register1 + 1);
        Assert.Equal(HandshakeOutcome.NotAReply, reg.Check(other, out string version));
        Assert.Equal("", version);
        var shortMessage = new byte[KvpLayout.MessageSize - 1];
        shortMessage[KvpLayout.Operation] = KvpOp.Register1;
        Assert.Equal(HandshakeOutcome.NotAReply, reg.Check(shortMessage, out version));
        Assert.Equal("", version);
    }

    [Fact]
    public void VssAcceptsOnlyABareU32()
    {
        var reg = new VssRegistration();
        var request = new byte[reg.RequestSize];
        reg.WriteRequest(request);
        Assert.Equal(VssLayout.MessageSize, request.Length);
        Assert.Equal(VssOp.Register1, request[VssLayout.Operation]);

        var reply = new byte[VssLayout.RegistrationReplySize];
        BinaryPrimitives.WriteUInt32LittleEndian(reply, 129);
        Assert.Equal(HandshakeOutcome.Accepted, reg.Check(reply, out string version));
        Assert.Equal("129", version);
        Assert.Equal(HandshakeOutcome.Rejected, reg.Check(new byte[VssLayout.MessageSize], out version));
        Assert.Equal("", version);
    }

    [Fact]
    public void FcopyWritesItsVersionAndAcceptsOnlyABareU32()
    {
        var reg = new FcopyRegistration();
        var request = new byte[reg.RequestSize];
        reg.WriteRequest(request);
        Assert.Equal(FcopyLayout.ReplySize, request.Length);
        Assert.Equal(FcopyOp.CurrentVersion, BinaryPrimitives.ReadUInt32LittleEndian(request));

        Assert.Equal(HandshakeOutcome.Accepted, reg.Check(request, out string version));
        Assert.Equal(FcopyOp.CurrentVersion.ToString(), version);
        Assert.Equal(HandshakeOutcome.Rejected, reg.Check(new byte[FcopyLayout.ReplySize + 1], out version));
        Assert.Equal("", version);
    }
}
