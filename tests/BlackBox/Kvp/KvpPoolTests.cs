using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>Every pool operation on every pool through the simulated host, checked against
/// the host's view and the pool files on disk.</summary>
public sealed class KvpPoolTests
{
    public static TheoryData<byte> FilePools => new() { KvpPoolId.External, KvpPoolId.Guest, KvpPoolId.AutoExternal, KvpPoolId.AutoInternal };

    [SkippableTheory]
    [MemberData(nameof(FilePools))]
    public void Set_get_update_enumerate_and_delete_round_trip_through_the_file(byte pool)
    {
        using var d = KvpDaemon.Start();

        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(pool, "alpha", "one").Status);
        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(pool, "beta", "twö ☃").Status);
        Assert.Equal(HvStatus.S_OK, d.Kvp.SetU32(pool, "gamma", 4294967295).Status);
        Assert.Equal(HvStatus.S_OK, d.Kvp.SetU64(pool, "delta", ulong.MaxValue).Status);
        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(pool, "alpha", "uno").Status);   // update in place

        KvpReply get = d.Kvp.Get(pool, "beta");
        Assert.Equal((HvStatus.S_OK, AnswerSource.Daemon, "twö ☃"), (get.Status, get.Source!.Value, get.Value));
        Assert.Equal("4294967295", d.Kvp.Get(pool, "gamma").Value);
        Assert.Equal("18446744073709551615", d.Kvp.Get(pool, "delta").Value);

        var expected = new List<(string, string)> { ("alpha", "uno"), ("beta", "twö ☃"), ("gamma", "4294967295"), ("delta", "18446744073709551615") };
        Assert.Equal(expected, d.EnumerateAll(pool));
        Assert.Equal(expected, d.PoolOnDisk(pool));
        Assert.Equal(4 * PoolRecords.Size, new FileInfo(d.PoolPath(pool)).Length);

        Assert.Equal(HvStatus.S_OK, d.Kvp.Delete(pool, "beta").Status);
        Assert.Equal(HvStatus.S_CONT, d.Kvp.Get(pool, "beta").Status);       // absent
        Assert.Equal(HvStatus.S_CONT, d.Kvp.Delete(pool, "beta").Status);    // absent
        expected.RemoveAt(1);
        // A pool is a set: the last record took the deleted one's slot (docs/kvp.md).
        Assert.Equal(expected.Order(), d.EnumerateAll(pool).Order());
        Assert.Equal(d.PoolOnDisk(pool), d.EnumerateAll(pool));             // the host sees the file
        Assert.Equal(HvStatus.S_CONT, d.Kvp.Enumerate(pool, 1000).Status);   // past the end

        // The other pools saw none of it.
        for (byte other = 0; other < KvpPoolId.Count; other++)
            if (other != pool && other != KvpPoolId.Auto) Assert.Empty(d.EnumerateAll(other));
        Assert.Equal(0, d.ErrorLines);
    }

    [SkippableFact]
    public void Records_written_by_another_program_are_served_and_changes_persist_across_a_restart()
    {
        var seeded = PoolRecords.Encode(("cloud-init", "ready"), ("PROVISIONING_REPORT", "result=success"));
        var spec = KvpDaemon.Spec().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_1", seeded);
        var host = new SimHost();
        using (var d = KvpDaemon.Start(spec, host: host))
        {
            Assert.Equal("ready", d.Kvp.Get(KvpPoolId.Guest, "cloud-init").Value);
            Assert.Equal(HvStatus.S_OK, d.Kvp.Set(KvpPoolId.Guest, "host-added", "x").Status);
            Assert.True(d.Sandbox.Terminate());
            Assert.Equal(0, d.Sandbox.WaitForExit(KvpDaemon.Bound));
            Assert.True(d.Device.WaitClosed(KvpDaemon.Bound));
            Assert.Equal([("cloud-init", "ready"), ("PROVISIONING_REPORT", "result=success"), ("host-added", "x")], d.PoolOnDisk(1));
        }
    }

    [SkippableFact]
    public void The_longest_key_and_value_the_kernel_can_send_are_stored_whole()
    {
        using var d = KvpDaemon.Start();
        string key = new('k', KvpLayout.MaxKeySize - 1);       // 511 bytes + NUL
        string value = new('v', KvpLayout.MaxValueSize - 1);   // 2047 bytes + NUL
        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(KvpPoolId.External, key, value).Status);
        Assert.Equal([(key, value)], d.PoolOnDisk(0));
        // The host sees at most 254 / 1022 UTF-16 units (the kernel's conversion), but a whole string.
        KvpReply e = d.Kvp.Enumerate(KvpPoolId.External, 0);
        Assert.Equal((HvStatus.S_OK, key[..254], value[..1022]), (e.Status, e.Key, e.Value));
        Assert.Equal(value[..1022], d.Kvp.Get(KvpPoolId.External, key).Value);
    }

    static readonly string[] AutoKeys =
    [
        "FullyQualifiedDomainName", "IntegrationServicesVersion", "NetworkAddressIPv4", "NetworkAddressIPv6",
        "OSBuildNumber", "OSName", "OSMajorVersion", "OSMinorVersion", "OSVersion", "ProcessorArchitecture",
    ];

    [SkippableFact]
    public void The_auto_pool_enumerates_its_ten_keys_then_HV_S_CONT()
    {
        var spec = KvpDaemon.Spec();
        spec.Mounts.Add(new HostSim.Sandboxing.SandboxMount.Tmpfs("/etc/hvtest"));
        spec.WithFile("/etc/hvtest/os-release", "NAME=\"Test Linux\"\nVERSION_ID='42.1'\n# comment\n");
        spec.SetupLines.Add("mount --bind /etc/hvtest/os-release /etc/os-release");
        using var d = KvpDaemon.Start(spec, new SimKernelOptions { KvpKernelVersion = "3.1" });

        var auto = d.EnumerateAll(KvpPoolId.Auto);
        Assert.Equal(AutoKeys, auto.ConvertAll(a => a.Key));
        var byKey = auto.ToDictionary();
        Assert.Equal("3.1", byKey["IntegrationServicesVersion"]);
        Assert.Equal("Test Linux", byKey["OSName"]);
        Assert.Equal("42.1", byKey["OSMajorVersion"]);
        Assert.Equal("", byKey["OSMinorVersion"]);
        string release = File.ReadAllText("/proc/sys/kernel/osrelease").Trim();
        Assert.Equal(release, byKey["OSBuildNumber"]);
        Assert.Equal(release.Split('-')[0], byKey["OSVersion"]);
        string machine = System.Runtime.InteropServices.RuntimeInformation.OSArchitecture switch
        {
            System.Runtime.InteropServices.Architecture.X64 => "x86_64",
            System.Runtime.InteropServices.Architecture.Arm64 => "aarch64",
            _ => byKey["ProcessorArchitecture"],
        };
        Assert.Equal(machine, byKey["ProcessorArchitecture"]);
        Assert.NotEmpty(byKey["FullyQualifiedDomainName"]);
        Assert.DoesNotContain("127.0.0.1", byKey["NetworkAddressIPv4"].Split(';'));   // loopback excluded
        Assert.Equal(HvStatus.S_CONT, d.Kvp.Enumerate(KvpPoolId.Auto, 10).Status);
        Assert.Equal(HvStatus.S_CONT, d.Kvp.Enumerate(KvpPoolId.Auto, uint.MaxValue).Status);

        // SET/GET on pool 2 use its file, as upstream; enumeration stays generated.
        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(KvpPoolId.Auto, "extra", "1").Status);
        Assert.Equal("1", d.Kvp.Get(KvpPoolId.Auto, "extra").Value);
        Assert.Equal(AutoKeys, d.EnumerateAll(KvpPoolId.Auto).ConvertAll(a => a.Key));
        Assert.Equal([("extra", "1")], d.PoolOnDisk(2));
    }

    [SkippableFact]
    public void Every_pool_file_is_created_0644_at_start()
    {
        using var d = KvpDaemon.Start();
        for (int pool = 0; pool < KvpPoolId.Count; pool++)
        {
            var info = new FileInfo(d.PoolPath(pool));
            Assert.True(info.Exists, info.FullName);
            Assert.Equal(0, info.Length);
            Assert.Equal((UnixFileMode)0x1a4, File.GetUnixFileMode(info.FullName));
        }
        d.AssertOneLine("KVP LIC Version: 3.1", severity: 6);
    }
}
