using System;
using System.Buffers.Binary;
using System.Text;
using System.Threading.Tasks;
using HvDaemons.Wire;
using Tmds.Linux;

namespace HvDaemons.HostSim.Kernel;

/// <summary>hv_kvp: full hv_kvp_msg writes, REGISTER1 echoed with the kernel's version string,
/// host requests held back (not even read from the ring) until a daemon registers.</summary>
public sealed class KvpKernel : SimService
{
    readonly SimKernelOptions _options;

    internal KvpKernel(object gate, SimKernelOptions options) : base(gate, "hv_kvp") => _options = options;

    /// <summary>Forwards a kernel-formatted hv_kvp_msg (7432 bytes) as a host request.</summary>
    public Task<DeviceAnswer> Submit(byte[] message)
    {
        if (message.Length != KvpLayout.MessageSize) throw new ArgumentException("hv_kvp_msg must be 7432 bytes");
        byte op = message[KvpLayout.Operation];
        return SubmitFromHost(op, message, _options.KvpTimeout, "KVP " + KvpOp.Name(op) + " pool " + message[KvpLayout.Pool]);
    }

    private protected override Routing Route(byte operation, out uint status)
    {
        status = 0;
        return State == ServiceState.DeviceInit ? Routing.Wait : Routing.Forward;
    }

    private protected override int OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.Length < KvpLayout.MessageSize) return -LibC.EINVAL;
        if (State < ServiceState.Ready)
        {
            byte op = data[KvpLayout.Operation];
            if (op != KvpOp.Register1 && op != KvpOp.Register)
            {
                Note("incompatible daemon: registration value " + op);
                return -LibC.EINVAL;
            }
            byte[] reply = new byte[KvpLayout.MessageSize];
            reply[KvpLayout.Operation] = op;
            Encoding.ASCII.GetBytes(_options.KvpKernelVersion, reply.AsSpan(KvpLayout.RegisterVersion, KvpLayout.RegisterVersionLength - 1));
            Note("registration " + (op == KvpOp.Register1 ? "REGISTER1" : "REGISTER (legacy)"));
            SendRegistrationReply(reply);   // KVP ignores a failure to queue the reply
            return data.Length;
        }
        if (State == ServiceState.UserspaceReq)
        {
            byte[] reply = data[..KvpLayout.MessageSize].ToArray();
            CompleteFromDaemon(BinaryPrimitives.ReadUInt32LittleEndian(reply), reply);
            return data.Length;
        }
        return -LibC.EINVAL;
    }
}
