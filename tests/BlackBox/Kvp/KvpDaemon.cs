using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// The published hv_kvp_daemon in a sandbox against a simulated host, with the checks every
/// KVP black-box test repeats: registered, pool files as records, one log line per event,
/// and "the next request is served".
/// </summary>
internal sealed class KvpDaemon : IDisposable
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    public const string PoolDir = "/var/lib/hyperv";

    KvpDaemon(SimHost host, Sandbox sandbox)
    {
        Host = host;
        Sandbox = sandbox;
    }

    public SimHost Host { get; }
    public Sandbox Sandbox { get; }
    public KvpHost Kvp => Host.Kvp;
    public SimService Device => Host.Kernel.Kvp;
    public SyslogCapture Log => Sandbox.Log;

    /// <summary>A spec for the published daemon with the default mounts (HostDir /var/lib/hyperv).</summary>
    public static SandboxSpec Spec(params string[] extraArgs)
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_kvp_daemon");
        return SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, "hv_kvp_daemon", extraArgs);
    }

    /// <summary>Starts the daemon and waits until it registered.</summary>
    public static KvpDaemon Start(SandboxSpec? spec = null, SimKernelOptions? options = null, SimHost? host = null)
    {
        spec ??= Spec();
        host ??= new SimHost(options);
        var sb = Sandbox.Start(host, spec);
        var d = new KvpDaemon(host, sb);
        d.AssertRegistered(host.Kernel.Kvp.Registrations + 1);
        return d;
    }

    public void AssertRegistered(int count = 1)
        => Assert.True(Device.WaitRegistrations(count, Bound) && Device.WaitReady(Bound),
                       "daemon did not register (" + count + "):\n" + Describe());

    public string Describe() => Sandbox.Describe() + "device:\n  " + string.Join("\n  ", Device.History.TakeLast(40)) + "\n";

    /// <summary>Where pool N lives, seen from this process (works after exit for HostDir mounts).</summary>
    public string PoolPath(int pool) => Sandbox.HostPath(PoolDir + "/.kvp_pool_" + pool);

    public List<(string Key, string Value)> PoolOnDisk(int pool) => PoolRecords.Decode(File.ReadAllBytes(PoolPath(pool)));

    /// <summary>ENUMERATE from index 0 until HV_S_CONT, as the host walks a pool.</summary>
    public List<(string Key, string Value)> EnumerateAll(byte pool)
    {
        var list = new List<(string, string)>();
        for (uint i = 0; ; i++)
        {
            KvpReply r = Kvp.Enumerate(pool, i);
            Assert.True(r.Outcome == HostOutcome.Answered && r.Source == AnswerSource.Daemon, "ENUMERATE " + i + ": " + r + "\n" + Describe());
            if (r.Status == HvStatus.S_CONT) return list;
            Assert.Equal(HvStatus.S_OK, r.Status);
            list.Add((r.Key!, r.Value!));
        }
    }

    /// <summary>The daemon still answers: a SET and a GET of a fresh key in pool 0 round-trip.</summary>
    public void AssertServes(string probe = "probe")
    {
        string value = "alive-" + Guid.NewGuid().ToString("N");
        KvpReply set = Kvp.Set(KvpPoolId.External, probe, value);
        Assert.True(set.Ok && set.Source == AnswerSource.Daemon, "SET after the fault: " + set + "\n" + Describe());
        KvpReply get = Kvp.Get(KvpPoolId.External, probe);
        Assert.True(get.Ok && get.Value == value, "GET after the fault: " + get + "\n" + Describe());
        Assert.Null(Sandbox.ExitCode);
    }

    /// <summary>Waits for a syslog line containing <paramref name="text"/> and checks it is the
    /// only one: one event, one line.</summary>
    public SyslogLine AssertOneLine(string text, int severity = 3)
    {
        SyslogLine? line = Log.WaitFor(text, Bound);
        Assert.True(line is not null, "no log line with \"" + text + "\":\n" + Describe());
        Assert.Equal(severity, line!.Severity);
        Assert.Single(Log.Lines, l => l.Message.Contains(text, StringComparison.Ordinal));
        Assert.DoesNotContain(Log.Lines, l => l.Message.Contains("   at ", StringComparison.Ordinal)); // no stack traces
        return line;
    }

    /// <summary>Error lines so far (severity err or worse).</summary>
    public int ErrorLines => Log.Lines.Count(l => l.Severity <= 3);

    public void Dispose() => Sandbox.Dispose();
}

/// <summary>Pool files in upstream's format: headerless 2560-byte records, key[512] + value[2048].</summary>
internal static class PoolRecords
{
    public const int Size = KvpLayout.PoolRecordSize;

    public static byte[] Encode(params (string Key, string Value)[] records)
    {
        byte[] b = new byte[records.Length * Size];
        for (int i = 0; i < records.Length; i++)
        {
            Encoding.UTF8.GetBytes(records[i].Key, b.AsSpan(i * Size + KvpLayout.PoolRecordKey, KvpLayout.MaxKeySize - 1));
            Encoding.UTF8.GetBytes(records[i].Value, b.AsSpan(i * Size + KvpLayout.PoolRecordValue, KvpLayout.MaxValueSize - 1));
        }
        return b;
    }

    public static List<(string Key, string Value)> Decode(byte[] file)
    {
        var list = new List<(string, string)>();
        for (int at = 0; at + Size <= file.Length; at += Size)
            list.Add((CStr(file.AsSpan(at + KvpLayout.PoolRecordKey, KvpLayout.MaxKeySize)),
                      CStr(file.AsSpan(at + KvpLayout.PoolRecordValue, KvpLayout.MaxValueSize))));
        return list;
    }

    static string CStr(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        return Encoding.UTF8.GetString(nul < 0 ? field : field[..nul]);
    }
}
