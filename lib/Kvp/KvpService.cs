using System;
using System.Buffers.Binary;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Wire;

namespace HvDaemons.Kvp;

/// <summary>KVP request dispatch (initial: answers every request with a defined failure).</summary>
public sealed class KvpService : IServiceHandler
{
    readonly Logger _log;

    KvpService(Logger log) => _log = log;

    public static KvpService? Create(KvpPaths paths, Logger log) => new(log);

    public int MaxMessageSize => KvpLayout.MessageSize;
    public string LicVersion { get; private set; } = "Unknown version";

    public void OnRegistered(string version)
    {
        LicVersion = version;
        _log.Info("KVP LIC Version: " + version);
    }

    public int Handle(Span<byte> buffer, int length)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(buffer[KvpLayout.Error..], HvStatus.E_FAIL);
        return KvpLayout.MessageSize;
    }

    public void OnReset(ResetReason reason) { }
    public int TimerDueMs() => -1;
    public void OnTimer() { }
}
