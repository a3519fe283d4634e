using System;
using System.Buffers.Binary;
using HvDaemons.HostSim.Uio;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

public class IcNegotiationTests
{
    static byte[] Payload(int frameworks, int services, string[] versions, int extra = 0)
        => IcMessages.Negotiation(frameworks, services, versions, extra);

    static uint Status(byte[] p) => BinaryPrimitives.ReadUInt32LittleEndian(p.AsSpan(IcLayout.Status));
    static ushort U16(byte[] p, int at) => BinaryPrimitives.ReadUInt16LittleEndian(p.AsSpan(at));

    [Theory]
    [InlineData(1, 1, new[] { "3.0", "1.1" })]
    [InlineData(2, 1, new[] { "1.0", "3.0", "1.1" })]
    [InlineData(3, 3, new[] { "4.0", "1.0", "3.0", "1.0", "2.0", "1.1" })]
    [InlineData(1, 2, new[] { "3.0", "1.0", "1.1" })]
    public void AgreesOn30And11(int fw, int svc, string[] versions)
    {
        byte[] p = Payload(fw, svc, versions);
        Assert.Equal(NegotiationOutcome.Agreed, IcNegotiation.Answer(p));
        Assert.Equal(HvStatus.S_OK, Status(p));
        Assert.Equal(1, U16(p, IcLayout.FrameVersionCount));
        Assert.Equal(1, U16(p, IcLayout.MessageVersionCount));
        Assert.Equal(3, U16(p, IcLayout.Versions));
        Assert.Equal(0, U16(p, IcLayout.Versions + 2));
        Assert.Equal(1, U16(p, IcLayout.Versions + 4));
        Assert.Equal(1, U16(p, IcLayout.Versions + 6));
        Assert.Equal(16, U16(p, IcLayout.MessageSize));
    }

    [Theory]
    [InlineData(1, 1, new[] { "1.0", "1.1" })]          // no framework 3.0
    [InlineData(1, 1, new[] { "3.0", "1.0" })]          // no service 1.1
    [InlineData(2, 0, new[] { "3.0", "1.1" })]          // 1.1 is in the framework list, not the service list
    [InlineData(0, 2, new[] { "3.0", "1.1" })]          // 3.0 is in the service list
    [InlineData(0, 0, new string[0])]
    public void NoCommonVersionFails(int fw, int svc, string[] versions)
    {
        byte[] p = Payload(fw, svc, versions);
        Assert.Equal(NegotiationOutcome.NoCommonVersion, IcNegotiation.Answer(p));
        Assert.Equal(HvStatus.E_FAIL, Status(p));
        Assert.Equal(0, U16(p, IcLayout.FrameVersionCount));
        Assert.Equal(0, U16(p, IcLayout.MessageVersionCount));
    }

    [Fact]
    public void CountsBeyondThePacketOrOver100AreMalformed()
    {
        byte[] p = Payload(5, 5, new[] { "3.0", "1.1" });
        Assert.Equal(NegotiationOutcome.Malformed, IcNegotiation.Answer(p));
        Assert.Equal(HvStatus.E_FAIL, Status(p));
        p = Payload(101, 1, new[] { "3.0", "1.1" }, extra: 4 * 101);
        Assert.Equal(NegotiationOutcome.Malformed, IcNegotiation.Answer(p));
        p = Payload(1, 0xFFFF, new[] { "3.0", "1.1" });
        Assert.Equal(NegotiationOutcome.Malformed, IcNegotiation.Answer(p));
    }

    [Theory]
    [InlineData(28)]
    [InlineData(32)]
    [InlineData(35)]
    public void TooShortForTheCountsIsMalformedAndNothingIsWrittenPastTheEnd(int length)
    {
        var backing = new byte[length + 16];
        Array.Fill(backing, (byte)0xAB);
        Span<byte> p = backing.AsSpan(0, length);
        p[..28].Clear();
        Assert.Equal(NegotiationOutcome.Malformed, IcNegotiation.Answer(p));
        Assert.Equal(HvStatus.E_FAIL, BinaryPrimitives.ReadUInt32LittleEndian(p[IcLayout.Status..]));
        Assert.All(backing[length..], b => Assert.Equal(0xAB, b));
    }

    [Fact]
    public void ExactlyOneHundredEntriesPerListAreAccepted()
    {
        // 100 is the largest count the kernel's icmsg_negotiate allows; our pair sits at the end.
        var versions = new string[200];
        for (int i = 0; i < 200; i++) versions[i] = "2.0";
        versions[99] = "3.0";
        versions[199] = "1.1";
        byte[] p = Payload(100, 100, versions);
        Assert.Equal(NegotiationOutcome.Agreed, IcNegotiation.Answer(p));
        Assert.Equal(HvStatus.S_OK, Status(p));
        Assert.Equal(3, U16(p, IcLayout.Versions));
        Assert.Equal(1, U16(p, IcLayout.Versions + 4));
        Assert.Equal(1, U16(p, IcLayout.Versions + 6));
    }
}
