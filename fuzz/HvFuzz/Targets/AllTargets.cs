using System;
using System.Collections.Generic;
using HvDaemons.Fuzz.Engine;

namespace HvDaemons.Fuzz.Targets;

/// <summary>Every fuzz target by name, created on demand (each owns temporary fixtures).</summary>
public static class AllTargets
{
    static readonly (string Name, Func<FuzzTarget> Create)[] Table =
    [
        ("kvp-handle", () => new KvpHandleTarget()),
        ("vss-handle", () => new VssHandleTarget()),
        ("vss-mounts", () => new VssMountsTarget()),
        ("fcopy-handle", () => new FcopyHandleTarget(Fcopy.NameEncoding.Utf8)),
        ("fcopy-handle-uio", () => new FcopyHandleTarget(Fcopy.NameEncoding.Utf16Le)),
        ("fcopy-names", () => new FcopyNamesTarget()),
        ("ic-negotiation", () => new IcNegotiationTarget()),
        ("vmbus-ring", () => new VmbusRingTarget()),
        ("registration", () => new RegistrationTarget()),
        ("pool-file", () => new PoolFileTarget()),
        ("proc-mounts", () => new ProcMountsTarget()),
        ("os-release", () => new OsReleaseTarget()),
        ("resolv-conf", () => new ResolvConfTarget()),
        ("proc-route", () => new RouteTarget()),
        ("lease-name", () => new LeaseNameTarget()),
        ("ip-config", () => new IpConfigTarget()),
        ("host-string", () => new HostStringTarget()),
    ];

    public static IEnumerable<string> Names
    {
        get { foreach (var t in Table) yield return t.Name; }
    }

    public static FuzzTarget Create(string name)
    {
        foreach (var t in Table)
            if (t.Name == name) return t.Create();
        throw new ArgumentException("no fuzz target named " + name);
    }
}
