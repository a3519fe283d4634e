using System;
using System.Threading.Tasks;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Host;

/// <summary>The host's backup requests. GET_DM_INFO never reaches the daemon (the kernel
/// answers 0); for HOT_BACKUP the kernel reports VSS_HBU_NO_AUTO_RECOVERY in the flags.</summary>
public sealed class VssHost(VssKernel kernel)
{
    public VssKernel Kernel => kernel;

    public Task<VssReply> FreezeAsync() => Send(VssOp.Freeze);
    public Task<VssReply> ThawAsync() => Send(VssOp.Thaw);
    public Task<VssReply> HotBackupAsync() => Send(VssOp.HotBackup);
    public Task<VssReply> GetDmInfoAsync() => Send(VssOp.GetDmInfo);
    /// <summary>Any operation code, including ones the kernel answers itself.</summary>
    public Task<VssReply> SendAsync(byte op) => Send(op);

    public VssReply Freeze(TimeSpan? wait = null) => HostCall.Wait(FreezeAsync(), wait, NoAnswer);
    public VssReply Thaw(TimeSpan? wait = null) => HostCall.Wait(ThawAsync(), wait, NoAnswer);
    public VssReply HotBackup(TimeSpan? wait = null) => HostCall.Wait(HotBackupAsync(), wait, NoAnswer);
    public VssReply GetDmInfo(TimeSpan? wait = null) => HostCall.Wait(GetDmInfoAsync(), wait, NoAnswer);

    static readonly VssReply NoAnswer = new(HostOutcome.NoAnswer, HvStatus.E_FAIL, null);

    async Task<VssReply> Send(byte op)
    {
        DeviceAnswer a = await kernel.Submit(op).ConfigureAwait(false);
        uint flags = op == VssOp.HotBackup && a.Source == AnswerSource.Daemon ? VssOp.HbuNoAutoRecovery : 0;
        return new VssReply(HostOutcome.Answered, a.Status, a.Source, flags);
    }
}
