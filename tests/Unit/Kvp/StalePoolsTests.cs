using System;
using System.IO;
using System.Linq;
using HvDaemons.Kvp;
using HvDaemons.Kvp.Identity;
using HvDaemons.Logging;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>#13 part 4: pools 0 and 3 emptied when the VM's identity changed, opt-in.</summary>
public class StalePoolsTests
{
    const string Uuid = "5ea0c6d9-1234-4abc-8def-00155d010203";
    const string Other = "11111111-2222-4333-8444-555555555555";

    static TempPools Pools(string? conf = "reset-pools-on-new-vm = yes\n", string uuid = Uuid, bool efi = true)
    {
        var t = new TempPools();
        if (conf is not null) t.Write("etc/hyperv/kvp.conf", conf);
        t.Write("sys/class/dmi/id/product_uuid", uuid + "\n");
        if (efi) Directory.CreateDirectory(Path.Combine(t.Root, "sys/firmware/efi"));
        return t;
    }

    static void Seed(TempPools t)
    {
        for (byte pool = 0; pool < 5; pool++)
            if (pool != KvpPoolId.Auto) Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(pool, "k" + pool, "old")));
    }

    static string[] KeysOf(TempPools t, int pool) => PoolFileTests.Keys(File.ReadAllBytes(t.PoolPath(pool)));

    string Record(TempPools t) => File.ReadAllText(Path.Combine(t.Paths.PoolDirectory, StalePools.RecordName));

    [Fact]
    public void ChangedIdentityEmptiesPools0And3OnlyLogsOnceAndRecordsTheNewOne()
    {
        using var t = Pools(uuid: Other);
        Seed(t);
        File.WriteAllText(Path.Combine(t.Paths.PoolDirectory, StalePools.RecordName), Uuid + "\n");
        t.Service.OnRegistered("5.0");
        Assert.Empty(KeysOf(t, 0));
        Assert.Empty(KeysOf(t, 3));
        Assert.Equal(["k1"], KeysOf(t, 1));
        Assert.Equal(["k4"], KeysOf(t, 4));
        Assert.Equal(Other + "\n", Record(t));
        Assert.Single(t.Log.Lines, l => l.Message.Contains($"VM identity changed from {Uuid} to {Other}: emptied pools 0 and 3", StringComparison.Ordinal));
        // The daemon serves the pools afterwards (the image follows the truncation).
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(0, "new", "1")));
        Assert.Equal(["new"], KeysOf(t, 0));
        t.Service.OnRegistered("5.0");   // a re-registration does not check again
        Assert.Equal(["new"], KeysOf(t, 0));
    }

    [Fact]
    public void SameIdentityKeepsEverything()
    {
        using var t = Pools();
        Seed(t);
        File.WriteAllText(Path.Combine(t.Paths.PoolDirectory, StalePools.RecordName), Uuid + "\n");
        t.Service.OnRegistered("5.0");
        for (int p = 0; p < 5; p++) if (p != 2) Assert.Equal(["k" + p], KeysOf(t, p));
        Assert.DoesNotContain(t.Log.Lines, l => l.Message.Contains("identity", StringComparison.Ordinal));
    }

    [Fact]
    public void FirstRunRecordsOnlyAndSaysWhy()
    {
        using var t = Pools();
        Seed(t);
        t.Service.OnRegistered("5.0");
        Assert.Equal(["k0"], KeysOf(t, 0));
        Assert.Equal(["k3"], KeysOf(t, 3));
        Assert.Equal(Uuid + "\n", Record(t));
        Assert.Single(t.Log.Lines, l => l.Message.Contains("pools 0 and 3 kept (no earlier identity to compare)", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("# reset-pools-on-new-vm = yes\n")]
    [InlineData("reset-pools-on-new-vm = no\n")]
    public void OffUnlessConfigured(string? conf)
    {
        using var t = Pools(conf, uuid: Other);
        Seed(t);
        File.WriteAllText(Path.Combine(t.Paths.PoolDirectory, StalePools.RecordName), Uuid + "\n");
        t.Service.OnRegistered("5.0");
        Assert.Equal(["k0"], KeysOf(t, 0));
        Assert.Equal(["k3"], KeysOf(t, 3));
        Assert.Equal(Uuid + "\n", Record(t));
    }

    [Fact]
    public void UnreadableIdentityKeepsThePoolsWithOneLine()
    {
        using var t = Pools(uuid: "not-a-uuid");
        Seed(t);
        File.WriteAllText(Path.Combine(t.Paths.PoolDirectory, StalePools.RecordName), Uuid + "\n");
        t.Service.OnRegistered("5.0");
        Assert.Equal(["k0"], KeysOf(t, 0));
        Assert.Single(t.Log.Lines, l => l.Level == LogLevel.Err && l.Message.Contains("cannot read this VM's identity", StringComparison.Ordinal));
    }

    [Fact]
    public void Gen1ProductUuidIsReadInGuidOrder()
    {
        // Gen1 (no /sys/firmware/efi): the first three fields come byte-swapped.
        Assert.Equal("d9c6a05e-3412-bc4a-8def-00155d010203", VmIdentity.Normalise(Uuid, gen1: true));
        Assert.Equal(Uuid, VmIdentity.Normalise(Uuid.ToUpperInvariant(), gen1: false));
        Assert.Null(VmIdentity.Normalise("5ea0c6d9-1234-4abc-8def-00155d01020", gen1: false));
        Assert.Null(VmIdentity.Normalise("5ea0c6d9-1234-4abc-8def-00155d01020g", gen1: false));
        using var t = Pools(efi: false);
        t.Service.OnRegistered("5.0");
        Assert.Equal("d9c6a05e-3412-bc4a-8def-00155d010203\n", Record(t));
    }

    [Fact]
    public void ConfigRejectsUnknownNamesAndBadValuesWithOneLineEach()
    {
        var log = new MemoryLogger();
        string dir = Directory.CreateTempSubdirectory("hvd-conf-").FullName;
        try
        {
            string path = Path.Combine(dir, "kvp.conf");
            File.WriteAllText(path, "# comment\n\nreset-pools-on-new-vm=YES # trailing\nfrobnicate = 1\nreset-pools-on-new-vm = maybe\n");
            KvpConfig c = KvpConfig.Load(path, log);
            Assert.True(c.ResetPoolsOnNewVm);
            Assert.Equal(2, log.Lines.Count);
            Assert.Contains(":4: unknown setting \"frobnicate\"", log.Lines[0].Message);
            Assert.Contains(":5: reset-pools-on-new-vm must be yes or no, not \"maybe\"; kept yes", log.Lines[1].Message);
            Assert.False(KvpConfig.Load(Path.Combine(dir, "missing"), log).ResetPoolsOnNewVm);
            Assert.Equal(2, log.Lines.Count);
        }
        finally { Directory.Delete(dir, true); }
    }
}
