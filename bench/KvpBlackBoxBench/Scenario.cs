using System;
using System.Collections.Generic;
using HvDaemons.HostSim.Host;
using HvDaemons.Wire;

namespace HvDaemons.Bench;

/// <summary>One measured KVP operation: the same requests go to the floor and to our daemon.
/// <c>pass</c> 0 is the CPU pass, 1 the traced pass; appended keys differ per pass.</summary>
sealed record Scenario(string Name, int Count, Func<KvpHost, Random, int, int, KvpReply> Op)
{
    public static IEnumerable<Scenario> All(int records)
    {
        yield return new("ENUMERATE (full walk)", records, (h, _, _, i) => h.Enumerate(KvpPoolId.External, (uint)(i % records)));
        yield return new("GET", 2000, (h, rnd, _, _) => h.Get(KvpPoolId.External, Responder.Key(rnd.Next(records))));
        yield return new("SET (update)", 1000, (h, rnd, _, i) => h.Set(KvpPoolId.External, Responder.Key(rnd.Next(records)), "updated-" + i));
        // Every GET comes right after our own SET changed the file: no re-read is needed.
        yield return new("SET, then GET of it", 1000, (h, _, _, i) => i % 2 == 0
            ? h.Set(KvpPoolId.External, Responder.Key(i % records), "fresh-" + i)
            : h.Get(KvpPoolId.External, Responder.Key((i - 1) % records)));
        yield return new("SET (append)", 500, (h, _, pass, i) => h.Set(KvpPoolId.External, $"new-{pass}-{i}", "appended-" + i));
        yield return new("DELETE (of those)", 500, (h, _, pass, i) => h.Delete(KvpPoolId.External, $"new-{pass}-{i}"));
    }
}
