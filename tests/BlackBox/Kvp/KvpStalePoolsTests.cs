using System;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// #13 part 4 through the published daemon: with reset-pools-on-new-vm in kvp.conf, a VM
/// whose identity differs from the recorded one starts with pools 0 and 3 empty and nothing
/// else touched; the same identity changes nothing. The identity comes from a fake sysfs
/// (HV_KVP_SYSFS) on a tmpfs of the sandbox.
/// </summary>
public sealed class KvpStalePoolsTests
{
    const string Sys = "/run/hvsim-sys";
    const string Recorded = "5ea0c6d9-1234-4abc-8def-00155d010203";
    const string NewVm = "7c1f0e2a-9b8d-4e6f-a5c4-3b2a19087654";

    static SandboxSpec Spec(string uuid)
    {
        var spec = KvpDaemon.Spec();
        spec.Mounts.Add(new SandboxMount.Tmpfs("/etc/hyperv"));
        spec.Mounts.Add(new SandboxMount.Tmpfs(Sys));
        spec.WithFile("/etc/hyperv/kvp.conf", "# test\nreset-pools-on-new-vm = yes\n")
            .WithFile(Sys + "/class/dmi/id/product_uuid", uuid + "\n")
            .WithFile(Sys + "/firmware/efi/.present", "");   // Gen2: read as printed
        spec.Environment["HV_KVP_SYSFS"] = Sys;
        spec.WithFile(KvpDaemon.PoolDir + "/.kvp_identity", Recorded + "\n");
        for (int p = 0; p < 5; p++)
            if (p != KvpPoolId.Auto)
                spec.WithFile(KvpDaemon.PoolDir + "/.kvp_pool_" + p, PoolRecords.Encode(("old-" + p, "value-" + p)));
        return spec;
    }

    [SkippableFact]
    public void A_new_identity_empties_pools_0_and_3_and_nothing_else()
    {
        using var d = KvpDaemon.Start(Spec(NewVm));
        d.AssertOneLine($"VM identity changed from {Recorded} to {NewVm}: emptied pools 0 and 3", severity: 6);
        Assert.Empty(d.PoolOnDisk(KvpPoolId.External));
        Assert.Empty(d.PoolOnDisk(KvpPoolId.AutoExternal));
        Assert.Equal([("old-1", "value-1")], d.PoolOnDisk(KvpPoolId.Guest));
        Assert.Equal([("old-4", "value-4")], d.PoolOnDisk(KvpPoolId.AutoInternal));
        Assert.Equal(NewVm + "\n", File.ReadAllText(d.Sandbox.HostPath(KvpDaemon.PoolDir + "/.kvp_identity")));
        Assert.Empty(d.EnumerateAll(KvpPoolId.External));
        d.AssertServes();   // the host's items arrive again
        Assert.Equal(0, d.ErrorLines);
    }

    [SkippableFact]
    public void The_same_identity_resets_nothing()
    {
        using var d = KvpDaemon.Start(Spec(Recorded));
        Assert.Equal([("old-0", "value-0")], d.EnumerateAll(KvpPoolId.External));   // served after registration
        for (int p = 0; p < 5; p++)
            if (p != KvpPoolId.Auto) Assert.Equal([("old-" + p, "value-" + p)], d.PoolOnDisk(p));
        Assert.Equal(Recorded + "\n", File.ReadAllText(d.Sandbox.HostPath(KvpDaemon.PoolDir + "/.kvp_identity")));
        Assert.DoesNotContain(d.Log.Lines, l => l.Message.Contains("identity", StringComparison.Ordinal));
    }
}
