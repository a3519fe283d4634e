using System;
using System.Buffers.Binary;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Wire;

namespace HvDaemons.Vss;

/// <summary>VSS request dispatch (initial: HOT_BACKUP only; freeze and thaw follow).</summary>
public sealed class VssService(VssPaths paths, Logger log) : IServiceHandler
{
    public int MaxMessageSize => VssLayout.MessageSize;

    public VssPaths Paths => paths;

    public void OnRegistered(string version) => log.Info("VSS: kernel module version: " + version);

    public int Handle(Span<byte> buffer, int length)
    {
        byte op = buffer[VssLayout.Operation];
        uint status = HvStatus.E_FAIL;
        if (op == VssOp.HotBackup)
        {
            log.Info("VSS: op=CHECK HOT BACKUP");
            status = HvStatus.S_OK;
        }
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[VssLayout.Error..], status);
        return VssLayout.MessageSize;
    }

    public void OnReset(ResetReason reason) { }
    public int TimerDueMs() => -1;
    public void OnTimer() { }
}
