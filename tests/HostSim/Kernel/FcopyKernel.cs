using System;
using System.Buffers.Binary;
using System.Threading.Tasks;
using HvDaemons.Wire;
using Tmds.Linux;

namespace HvDaemons.HostSim.Kernel;

/// <summary>hv_fcopy (char device, kernels up to 6.9): the daemon writes exactly 4 bytes;
/// version 1 is answered with a bare u32; requests fail at once while none is registered.</summary>
public sealed class FcopyKernel : SimService
{
    readonly SimKernelOptions _options;

    internal FcopyKernel(object gate, SimKernelOptions options) : base(gate, "hv_fcopy") => _options = options;

    /// <summary>Forwards a char-device fcopy message (hdr, start or write layout).</summary>
    public Task<DeviceAnswer> Submit(byte[] message)
    {
        uint op = BinaryPrimitives.ReadUInt32LittleEndian(message);
        return SubmitFromHost((byte)op, message, _options.FcopyTimeout, "FCOPY " + FcopyOp.Name(op));
    }

    private protected override Routing Route(byte operation, out uint status)
    {
        status = HvStatus.E_FAIL;
        return State == ServiceState.DeviceInit ? Routing.AnswerNow : Routing.Forward;
    }

    private protected override int OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.Length != FcopyLayout.ReplySize) return -LibC.EINVAL;
        uint value = BinaryPrimitives.ReadUInt32LittleEndian(data);
        if (State == ServiceState.DeviceInit)
        {
            if (value == FcopyOp.Version0)
            {
                Note("legacy registration (no reply: never READY)");
                return data.Length;
            }
            if (value != FcopyOp.Version1) return -LibC.EINVAL;
            byte[] reply = new byte[FcopyLayout.ReplySize];
            BinaryPrimitives.WriteUInt32LittleEndian(reply, FcopyOp.Version1);
            Note("registration version 1");
            return SendRegistrationReply(reply) ? data.Length : -LibC.EFAULT;
        }
        if (State == ServiceState.UserspaceReq)
        {
            CompleteFromDaemon(value, data.ToArray());
            return data.Length;
        }
        return -LibC.EINVAL;
    }
}
