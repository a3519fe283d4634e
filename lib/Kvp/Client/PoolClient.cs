using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using HvDaemons.Kvp.Pool;
using HvDaemons.Logging;
using HvDaemons.Wire;

namespace HvDaemons.Kvp.Client;

/// <summary>
/// The pool files as a guest program sees them, through the daemon's own pool code: the same
/// record format, the same flock + fcntl locks, whole records only. Reading never creates a
/// file; a missing pool reads as empty. Pool 2 (the daemon computes the host's view of it) and
/// pool 3 (facts the host writes) are not written unless forced.
/// </summary>
public sealed class PoolClient(string directory)
{
    public string Directory { get; } = directory;

    public string PathOf(int pool) => PoolFile.PathFor(Directory, pool);

    /// <summary>Null if a guest may write <paramref name="pool"/> without --force, else why not.</summary>
    public static string? WhyProtected(int pool) => pool switch
    {
        KvpPoolId.Auto => "pool 2 is computed by hv_kvp_daemon; the host never reads this file",
        KvpPoolId.AutoExternal => "pool 3 holds what the host reports (VirtualMachineName, ...); the host rewrites it",
        _ => null,
    };

    public ClientResult List(int pool, List<PoolEntry> into)
    {
        if (!Path.Exists(PathOf(pool))) return ClientResult.Ok;
        var records = new List<(byte[] Key, byte[] Value)>();
        ClientResult r = Run(pool, p => p.Snapshot(records));
        foreach (var (key, value) in records) into.Add(new PoolEntry(pool, key, value));
        return r;
    }

    public ClientResult Get(int pool, string key, out byte[] value)
    {
        value = [];
        if (RecordLimits.Check(key, null) is { } bad) return ClientResult.Refuse(bad);
        if (!Path.Exists(PathOf(pool))) return ClientResult.NotFound;
        byte[] found = [];
        ClientResult r = Run(pool, p =>
        {
            PoolResult g = p.Get(Encoding.UTF8.GetBytes(key), out ReadOnlySpan<byte> v);
            if (g == PoolResult.Ok) found = v.ToArray();
            return g;
        });
        value = found;
        return r;
    }

    public ClientResult Set(int pool, string key, string value)
    {
        if (RecordLimits.Check(key, value) is { } bad) return ClientResult.Refuse(bad);
        return Run(pool, p => p.Set(Encoding.UTF8.GetBytes(key), Encoding.UTF8.GetBytes(value)));
    }

    public ClientResult Delete(int pool, string key)
    {
        if (RecordLimits.Check(key, null) is { } bad) return ClientResult.Refuse(bad);
        if (!Path.Exists(PathOf(pool))) return ClientResult.NotFound;
        return Run(pool, p => p.Delete(Encoding.UTF8.GetBytes(key)));
    }

    ClientResult Run(int pool, Func<KvpPool, PoolResult> op)
    {
        var log = new MemoryLogger();
        using var p = new KvpPool(Directory, pool, log);
        return op(p) switch
        {
            PoolResult.Ok => ClientResult.Ok,
            PoolResult.NotFound => ClientResult.NotFound,
            _ => ClientResult.Fail(PathOf(pool) + ": " + Reason(log)),
        };
    }

    // The pool logs its failure in the daemon's words; keep the reason, drop the daemon's
    // "(GET answered as failed)" tail, which means nothing to a command-line user.
    static string Reason(MemoryLogger log)
    {
        string? last = null;
        foreach (var (level, message) in log.Lines)
            if (level <= LogLevel.Err) last = message;
        if (last is null) return "failed";
        int tail = last.LastIndexOf(" (", StringComparison.Ordinal);
        return tail > 0 && last.EndsWith("answered as failed)", StringComparison.Ordinal) ? last[..tail] : last;
    }
}
