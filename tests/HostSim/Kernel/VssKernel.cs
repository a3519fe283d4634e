using System;
using System.Buffers.Binary;
using System.Threading.Tasks;
using HvDaemons.Wire;
using Tmds.Linux;

namespace HvDaemons.HostSim.Kernel;

/// <summary>hv_vss: 12-byte messages; REGISTER1 answered with a bare u32; only FREEZE, THAW and
/// HOT_BACKUP reach the daemon, and fail at once while none is registered.</summary>
public sealed class VssKernel : SimService
{
    readonly SimKernelOptions _options;

    internal VssKernel(object gate, SimKernelOptions options) : base(gate, "hv_vss") => _options = options;

    /// <summary>A host VSS packet with operation <paramref name="op"/>; the daemon sees 12 bytes,
    /// zero except the operation.</summary>
    public Task<DeviceAnswer> Submit(byte op)
    {
        byte[] message = new byte[VssLayout.MessageSize];
        message[VssLayout.Operation] = op;
        return SubmitRaw(message);
    }

    /// <summary>Any 12 bytes as the message the daemon reads (reserved and flags fields
    /// included); FREEZE is refused on the same terms as <see cref="Submit"/>.</summary>
    public Task<DeviceAnswer> SubmitRaw(byte[] message)
    {
        if (message.Length != VssLayout.MessageSize) throw new ArgumentException("hv_vss_msg must be 12 bytes");
        byte op = message[VssLayout.Operation];
        if (op == VssOp.Freeze && !_options.AllowFreeze)
            throw new InvalidOperationException("VSS FREEZE refused: it would freeze the filesystems the sandbox sees, "
                + "including the machine's root. Pivot the sandbox into a root the test built and set SimKernelOptions.AllowFreeze.");
        TimeSpan timeout = op == VssOp.Freeze ? _options.VssFreezeTimeout : _options.VssTimeout;
        return SubmitFromHost(op, (byte[])message.Clone(), timeout, "VSS " + VssOp.Name(op));
    }

    /// <summary>
    /// Test hook: forward every op to the daemon, also those the real kernel answers itself
    /// (GET_DM_INFO, unknown ops), to reach the daemon's defensive paths ("Illegal op"). FREEZE
    /// is still refused unless <see cref="SimKernelOptions.AllowFreeze"/> is set.
    /// </summary>
    public bool ForwardEveryOp { get; set; }

    bool ReachesDaemon(byte op) => ForwardEveryOp || op is VssOp.Freeze or VssOp.Thaw or VssOp.HotBackup;

    private protected override Routing Route(byte operation, out uint status)
    {
        status = HvStatus.S_OK;
        if (!ReachesDaemon(operation)) return Routing.AnswerNow;   // GET_DM_INFO etc.: flags 0, status 0
        if (State != ServiceState.DeviceInit) return Routing.Forward;
        status = HvStatus.E_FAIL;
        return Routing.AnswerNow;
    }

    private protected override int OnWrite(ReadOnlySpan<byte> data)
    {
        if (data.Length != VssLayout.MessageSize) return -LibC.EINVAL;
        byte op = data[VssLayout.Operation];
        if (op == VssOp.Register || op == VssOp.Register1)
        {
            if (State > ServiceState.Ready) return -LibC.EINVAL;
            if (op == VssOp.Register)
            {
                Note("legacy registration (no reply: never READY)");
                return data.Length;
            }
            byte[] reply = new byte[VssLayout.RegistrationReplySize];
            BinaryPrimitives.WriteUInt32LittleEndian(reply, VssOp.Register1);
            Note("registration REGISTER1");
            return SendRegistrationReply(reply) ? data.Length : -LibC.EFAULT;
        }
        if (State == ServiceState.UserspaceReq)
        {
            byte[] reply = data.ToArray();
            CompleteFromDaemon(BinaryPrimitives.ReadUInt32LittleEndian(reply), reply);
            return data.Length;
        }
        return -LibC.EINVAL;
    }
}
