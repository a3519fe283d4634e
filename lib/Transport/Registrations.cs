using System;
using System.Buffers.Binary;
using System.Text;
using HvDaemons.Os;
using HvDaemons.Wire;

namespace HvDaemons.Transport;

/// <summary>KVP: a full hv_kvp_msg with op REGISTER1; the kernel echoes a full message carrying "3.1".</summary>
public sealed class KvpRegistration : IRegistration
{
    public int RequestSize => KvpLayout.MessageSize;

    public void WriteRequest(Span<byte> request) => request[KvpLayout.Operation] = KvpOp.Register1;

    public HandshakeOutcome Check(ReadOnlySpan<byte> message, out string version)
    {
        version = "";
        if (message.Length != KvpLayout.MessageSize || message[KvpLayout.Operation] != KvpOp.Register1)
            return HandshakeOutcome.NotAReply;
        ReadOnlySpan<byte> field = message.Slice(KvpLayout.RegisterVersion, KvpLayout.RegisterVersionLength);
        version = Encoding.UTF8.GetString(NativeString.UntilNul(field));
        return HandshakeOutcome.Accepted;
    }
}

/// <summary>VSS: 12 bytes with op REGISTER1; the kernel answers with a bare u32 (129).</summary>
public sealed class VssRegistration : IRegistration
{
    public int RequestSize => VssLayout.MessageSize;

    public void WriteRequest(Span<byte> request) => request[VssLayout.Operation] = VssOp.Register1;

    public HandshakeOutcome Check(ReadOnlySpan<byte> message, out string version)
    {
        version = "";
        if (message.Length != VssLayout.RegistrationReplySize) return HandshakeOutcome.Rejected;
        version = BinaryPrimitives.ReadUInt32LittleEndian(message).ToString();
        return HandshakeOutcome.Accepted;
    }
}

/// <summary>FCOPY char device: a 4-byte int 1; the kernel answers with a bare u32 (1).</summary>
public sealed class FcopyRegistration : IRegistration
{
    public int RequestSize => FcopyLayout.ReplySize;

    public void WriteRequest(Span<byte> request)
        => BinaryPrimitives.WriteUInt32LittleEndian(request, FcopyOp.CurrentVersion);

    public HandshakeOutcome Check(ReadOnlySpan<byte> message, out string version)
    {
        version = "";
        if (message.Length != FcopyLayout.ReplySize) return HandshakeOutcome.Rejected;
        version = BinaryPrimitives.ReadUInt32LittleEndian(message).ToString();
        return HandshakeOutcome.Accepted;
    }
}
