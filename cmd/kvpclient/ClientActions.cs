using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HvDaemons.Kvp.Client;
using HvDaemons.Wire;

namespace HvDaemons.KvpClient;

/// <summary>
/// Each subcommand: exit 0 found/done, 1 no such key, 2 bad usage or a pool that cannot be
/// read or written (one line on stderr naming the file and the reason).
/// </summary>
internal static class ClientActions
{
    const int Found = 0, Missing = 1, Problem = 2;

    public static int List(string dir, int? pool, bool json)
    {
        var client = new PoolClient(dir);
        var pools = new List<(int Pool, List<PoolEntry> Entries)>();
        int status = Found;
        for (int p = pool ?? 0; p <= (pool ?? KvpPoolId.Count - 1); p++)
        {
            var entries = new List<PoolEntry>();
            ClientResult r = client.List(p, entries);
            if (r.Outcome != ClientOutcome.Ok) status = Report(r);
            pools.Add((p, entries));
        }
        using Stream stdout = Console.OpenStandardOutput();
        if (json) RecordOutput.WriteJson(stdout, pools.SelectMany(x => x.Entries));
        else
            foreach (var (p, entries) in pools) RecordOutput.WritePlain(stdout, p, entries);
        return status;
    }

    public static int Get(string dir, int? pool, string key)
    {
        var client = new PoolClient(dir);
        int first = pool ?? 0, last = pool ?? KvpPoolId.Count - 1;
        int status = Missing;
        for (int p = first; p <= last; p++)
        {
            ClientResult r = client.Get(p, key, out byte[] value);
            if (r.Outcome == ClientOutcome.Ok)
            {
                using Stream stdout = Console.OpenStandardOutput();
                RecordOutput.WriteLine(stdout, value);
                return Found;
            }
            if (r.Outcome != ClientOutcome.NotFound) status = Report(r);
            if (r.Outcome == ClientOutcome.Refused) break;
        }
        return status;
    }

    public static int Set(string dir, int? pool, bool force, string key, string value)
    {
        int p = pool ?? KvpPoolId.Guest;
        if (Protected(p, force)) return Problem;
        if (RecordLimits.HostWarning(key, value) is { } warning)
            Console.Error.WriteLine("hv_kvp_client: warning: " + warning);
        ClientResult r = new PoolClient(dir).Set(p, key, value);
        return r.Outcome == ClientOutcome.Ok ? Found : Report(r);
    }

    public static int Delete(string dir, int? pool, bool force, string key)
    {
        int p = pool ?? KvpPoolId.Guest;
        if (Protected(p, force)) return Problem;
        ClientResult r = new PoolClient(dir).Delete(p, key);
        return r.Outcome switch
        {
            ClientOutcome.Ok => Found,
            ClientOutcome.NotFound => Missing,
            _ => Report(r),
        };
    }

    static bool Protected(int pool, bool force)
    {
        if (force || PoolClient.WhyProtected(pool) is not { } why) return false;
        Console.Error.WriteLine("hv_kvp_client: not writing: " + why + " (--force to write it anyway)");
        return true;
    }

    static int Report(ClientResult r)
    {
        Console.Error.WriteLine("hv_kvp_client: " + r.Problem);
        return Problem;
    }
}
