using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Text.Json;
using HvDaemons.HostSim.Host;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// The published hv_kvp_client against the pool folder of a running hv_kvp_daemon that the
/// simulated host is writing to: both sides see the other's records, through the same locks.
/// </summary>
public sealed class KvpClientTests
{
    sealed record Run(int Status, string Stdout, string Stderr);

    static Run Client(string dir, params string[] args)
    {
        var psi = new ProcessStartInfo(BlackBoxEnvironment.Daemon("hv_kvp_client"))
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        psi.ArgumentList.Add("--dir");
        psi.ArgumentList.Add(dir);
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stdout = p.StandardOutput.ReadToEndAsync();
        var stderr = p.StandardError.ReadToEndAsync();
        Assert.True(p.WaitForExit(20_000), "hv_kvp_client did not finish");
        return new Run(p.ExitCode, stdout.Result, stderr.Result);
    }

    static string PoolDir(KvpDaemon d) => d.Sandbox.HostPath(KvpDaemon.PoolDir);

    [SkippableFact]
    public void List_shows_exactly_the_records_the_daemon_wrote_in_file_order()
    {
        using var d = KvpDaemon.Start();
        Assert.True(d.Kvp.Set(KvpPoolId.External, "HostName", "hv-host-7").Ok);
        Assert.True(d.Kvp.Set(KvpPoolId.External, "Ünïcode ☃", "välue \"quoted\" \\ back").Ok);
        Assert.True(d.Kvp.Set(KvpPoolId.AutoExternal, "VirtualMachineName", "vm-42").Ok);
        Assert.True(d.Kvp.Set(KvpPoolId.AutoInternal, "empty", "").Ok);

        Run json = Client(PoolDir(d), "--json", "list");
        Assert.True(json.Status == 0, json.Stderr);
        var seen = new List<(int, string, string)>();
        foreach (JsonElement e in JsonDocument.Parse(json.Stdout).RootElement.EnumerateArray())
            seen.Add((e.GetProperty("pool").GetInt32(), e.GetProperty("key").GetString()!, e.GetProperty("value").GetString()!));
        var expected = new List<(int, string, string)>();
        for (int pool = 0; pool < KvpPoolId.Count; pool++)
            foreach (var (k, v) in d.PoolOnDisk(pool)) expected.Add((pool, k, v));
        Assert.Equal(4, expected.Count);
        Assert.Equal(expected, seen);

        Run plain = Client(PoolDir(d), "--pool", "0", "list");
        Assert.Equal(0, plain.Status);
        Assert.Equal("Pool is 0\nNum records is 2\nKey: HostName; Value: hv-host-7\n" +
                     "Key: Ünïcode ☃; Value: välue \"quoted\" \\ back\n", plain.Stdout);
        Assert.Equal(0, d.ErrorLines);
    }

    [SkippableFact]
    public void A_record_set_by_the_client_reaches_the_host_and_the_hosts_update_reaches_the_client()
    {
        using var d = KvpDaemon.Start();
        Run set = Client(PoolDir(d), "set", "guest-agent", "ready");
        Assert.True(set.Status == 0, set.Stderr);
        Assert.Equal(KvpLayout.PoolRecordSize, new FileInfo(d.PoolPath(KvpPoolId.Guest)).Length);

        KvpReply get = d.Kvp.Get(KvpPoolId.Guest, "guest-agent");
        Assert.Equal((HvStatus.S_OK, "ready"), (get.Status, get.Value));
        Assert.Equal([("guest-agent", "ready")], d.EnumerateAll(KvpPoolId.Guest));

        Assert.True(d.Kvp.Set(KvpPoolId.Guest, "guest-agent", "updated by the host").Ok);
        Run after = Client(PoolDir(d), "get", "guest-agent");
        Assert.Equal((0, "updated by the host\n"), (after.Status, after.Stdout));

        Assert.Equal(0, Client(PoolDir(d), "delete", "guest-agent").Status);
        Assert.Equal(HvStatus.S_CONT, d.Kvp.Get(KvpPoolId.Guest, "guest-agent").Status);
        Assert.Equal(0, new FileInfo(d.PoolPath(KvpPoolId.Guest)).Length);
        d.AssertServes();
    }

    [SkippableFact]
    public void Missing_keys_protected_pools_and_bad_usage_have_their_own_exit_status()
    {
        using var d = KvpDaemon.Start();
        Run missing = Client(PoolDir(d), "get", "no-such-key");
        Assert.Equal((1, ""), (missing.Status, missing.Stdout));
        Assert.Equal(1, Client(PoolDir(d), "delete", "no-such-key").Status);

        Run pool3 = Client(PoolDir(d), "--pool", "3", "set", "VirtualMachineName", "forged");
        Assert.Equal(2, pool3.Status);
        Assert.Contains("pool 3", pool3.Stderr);
        Assert.Empty(d.PoolOnDisk(3));
        Assert.Equal(0, Client(PoolDir(d), "--pool", "3", "--force", "set", "k", "v").Status);
        Assert.Equal([("k", "v")], d.PoolOnDisk(3));

        Assert.Equal(2, Client(PoolDir(d), "--pool", "7", "list").Status);
        Assert.Equal(2, Client(PoolDir(d), "frobnicate").Status);
        Assert.Equal(2, Client(PoolDir(d), "set", "only-a-key").Status);
        Assert.Equal(2, Client(PoolDir(d), "set", "", "v").Status);
        d.AssertServes();
    }

    [SkippableFact]
    public void An_unreadable_pool_names_the_file_and_the_others_are_still_listed()
    {
        using var d = KvpDaemon.Start();
        Assert.True(d.Kvp.Set(KvpPoolId.External, "k", "v").Ok);
        string scratch = Directory.CreateTempSubdirectory("hvd-client-").FullName;
        try
        {
            File.Copy(d.PoolPath(0), Path.Combine(scratch, ".kvp_pool_0"));
            Directory.CreateDirectory(Path.Combine(scratch, ".kvp_pool_1"));
            Run r = Client(scratch, "list");
            Assert.Equal(2, r.Status);
            Assert.Contains(Path.Combine(scratch, ".kvp_pool_1") + ": ", r.Stderr);
            Assert.StartsWith("Pool is 0\nNum records is 1\nKey: k; Value: v\n", r.Stdout);
        }
        finally { Directory.Delete(scratch, true); }
    }

    [SkippableFact]
    public void A_write_waits_for_another_programs_lock_and_then_lands_whole()
    {
        using var d = KvpDaemon.Start();
        Assert.True(d.Kvp.Set(KvpPoolId.Guest, "first", "1").Ok);
        var holder = new LockHolder(d.PoolPath(KvpPoolId.Guest), "lockf");
        try
        {
            var psi = new ProcessStartInfo(BlackBoxEnvironment.Daemon("hv_kvp_client"), ["--dir", PoolDir(d), "set", "second", "2"]);
            using var p = Process.Start(psi)!;
            Assert.False(p.WaitForExit(500), "the client wrote while another program held the fcntl lock");
            Assert.Equal([("first", "1")], d.PoolOnDisk(KvpPoolId.Guest));
            holder.Release();
            Assert.True(p.WaitForExit(20_000));
            Assert.Equal(0, p.ExitCode);
        }
        finally { holder.Dispose(); }
        Assert.Equal([("first", "1"), ("second", "2")], d.PoolOnDisk(KvpPoolId.Guest));
        Assert.Equal([("first", "1"), ("second", "2")], d.EnumerateAll(KvpPoolId.Guest));
    }
}
