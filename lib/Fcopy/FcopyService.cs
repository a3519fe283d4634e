using System;
using System.Buffers.Binary;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Wire;

namespace HvDaemons.Fcopy;

/// <summary>FCOPY request dispatch (initial: every request fails; file handling follows).</summary>
public sealed class FcopyService(Logger log) : IServiceHandler
{
    public int MaxMessageSize => FcopyLayout.MaxMessageSize;

    public void OnRegistered(string version) => log.Info("kernel module version: " + version);

    public int Handle(Span<byte> buffer, int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, HvStatus.E_FAIL);
        return FcopyLayout.ReplySize;
    }

    public void OnReset(ResetReason reason) { }
    public int TimerDueMs() => -1;
    public void OnTimer() { }
}
