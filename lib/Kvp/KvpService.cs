using System;
using System.Buffers.Binary;
using HvDaemons.Daemon;
using HvDaemons.Kvp.Auto;
using HvDaemons.Kvp.Identity;
using HvDaemons.Kvp.Net;
using HvDaemons.Kvp.Pool;
using HvDaemons.Logging;
using HvDaemons.Wire;

namespace HvDaemons.Kvp;

/// <summary>
/// The KVP daemon's request handler: pools 0-4 (file-backed, pool 2's enumeration generated),
/// GET_IP_INFO and SET_IP_INFO. Every request gets a status; nothing a request or a file holds
/// can stop the daemon.
/// </summary>
public sealed partial class KvpService : IServiceHandler, IStopAware, IDisposable
{
    readonly Logger _log;
    readonly KvpPool[] _pools = new KvpPool[KvpPoolId.Count];
    readonly AutoPool _auto;
    readonly IpInfoService _ipInfo;
    readonly StalePools? _stale;

    KvpService(KvpPaths paths, Logger log)
    {
        _log = log;
        KvpConfig config = KvpConfig.Load(paths.ConfigFile, log);
        if (config.ResetPoolsOnNewVm) _stale = new StalePools(paths, log);
        for (int i = 0; i < _pools.Length; i++)
            _pools[i] = new KvpPool(paths.PoolDirectory, i, log) { SyncWrites = config.SyncPoolWrites };
        _auto = new AutoPool(new HostFacts(paths), () => LicVersion);
        _ipInfo = new IpInfoService(paths, log);
    }

    /// <summary>Opens (creating if needed) and loads every pool. A pool that cannot be loaded
    /// now is logged and retried on its next request: the daemon starts anyway.</summary>
    public static KvpService Create(KvpPaths paths, Logger log)
    {
        var service = new KvpService(paths, log);
        if (log.DebugEnabled) log.Info("Logging debug info in syslog(debug)");
        foreach (KvpPool pool in service._pools)
        {
            if (!pool.Load(StartupLockTimeoutMs)) continue;
            pool.DumpForDebug();
        }
        return service;
    }

    /// <summary>Start-up waits this long at most for a pool's lock, then registers anyway.</summary>
    const int StartupLockTimeoutMs = 1000;

    public int MaxMessageSize => KvpLayout.MessageSize;
    public string LicVersion { get; private set; } = "Unknown version";

    internal KvpPool PoolFor(int number) => _pools[number];

    public void OnRegistered(string version)
    {
        LicVersion = version;
        _log.Info("KVP LIC Version: " + version);
        _stale?.Check(_pools[KvpPoolId.External], _pools[KvpPoolId.AutoExternal]);
    }

    public int Handle(Span<byte> buffer, int length)
    {
        Span<byte> msg = buffer[..KvpLayout.MessageSize];
        if (length < KvpLayout.MessageSize)
        {
            // The transport only hands over whole messages; anything shorter is not one.
            _log.Err($"request of {length} bytes is shorter than a KVP message ({KvpLayout.MessageSize}); answered HV_E_FAIL");
            msg[Math.Max(0, length)..].Clear();
            return Reply(msg, HvStatus.E_FAIL);
        }
        byte op = msg[KvpLayout.Operation];
        byte pool = msg[KvpLayout.Pool];
        uint status = Dispatch(msg, op, pool);
        return Reply(msg, status);
    }

    uint Dispatch(Span<byte> msg, byte op, byte pool)
    {
        switch (op)
        {
            case KvpOp.GetIpInfo:
                return _ipInfo.Get(msg);
            case KvpOp.SetIpInfo:
                return _ipInfo.Set(msg);
            case KvpOp.Get or KvpOp.Set or KvpOp.Delete or KvpOp.Enumerate:
                if (pool >= KvpPoolId.Count)
                {
                    _log.Err($"{KvpOp.Name(op)}: pool {pool} does not exist; answered HV_S_CONT");
                    return HvStatus.S_CONT;
                }
                return op switch
                {
                    KvpOp.Get => Get(msg, pool),
                    KvpOp.Set => Set(msg, pool),
                    KvpOp.Delete => Delete(msg, pool),
                    _ => Enumerate(msg, pool),
                };
            default:
                _log.Err($"unknown operation {op} (pool {pool}); answered HV_E_FAIL");
                return HvStatus.E_FAIL;
        }
    }

    static int Reply(Span<byte> msg, uint status)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(msg[KvpLayout.Error..], status);
        return KvpLayout.MessageSize;
    }

    public void WatchStop(StopSignal stop)
    {
        foreach (KvpPool p in _pools) p.StopFd = stop.Fd;
        _ipInfo.StopFd = stop.Fd;
    }

    /// <summary>Upstream's statuses (HV_S_CONT for "not found" and failures), except that a
    /// lock we could not get in time is HV_E_FAIL: the host learns it was not done.</summary>
    static uint Status(PoolResult r) => r switch
    {
        PoolResult.Ok => HvStatus.S_OK,
        PoolResult.Busy => HvStatus.E_FAIL,
        _ => HvStatus.S_CONT,
    };

    public void OnReset(ResetReason reason) { }
    public int TimerDueMs() => -1;
    public void OnTimer() { }

    public void Dispose()
    {
        foreach (KvpPool p in _pools) p.Dispose();
    }
}
