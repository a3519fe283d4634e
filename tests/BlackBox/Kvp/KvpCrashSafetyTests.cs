using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading;
using System.Threading.Tasks;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// SIGKILL in the middle of a stream of SETs (long multi-byte values whose fields cross page
/// boundaries, updates and appends), 25 times, restarting the daemon each time: the pool
/// stays whole 2560-byte records of valid UTF-8, and each key holds its last acknowledged
/// value or the one that was in flight; no acknowledged SET is lost.
/// </summary>
public sealed class KvpCrashSafetyTests
{
    const int Rounds = 25;
    const int Keys = 9;
    static readonly UTF8Encoding Strict = new(false, throwOnInvalidBytes: true);

    static string Value(int key, int seq)
    {
        // 1..2000 bytes of two- and three-byte characters: a cut anywhere would show as invalid UTF-8.
        int n = (seq * 7919 + key * 104729) % 660 + 1;
        var sb = new StringBuilder().Append(key).Append(':').Append(seq).Append(':');
        for (int i = 0; sb.Length < n; i++) sb.Append(i % 3 == 0 ? 'é' : i % 3 == 1 ? '€' : 'x');
        return sb.ToString();
    }

    [SkippableFact]
    public void SIGKILL_mid_SETs_25_times_leaves_whole_valid_records_and_loses_no_acknowledged_SET()
    {
        string shared = SharedPools.Create();
        try
        {
            var host = new SimHost();
            var acked = new Dictionary<string, string>();
            var rnd = new Random(18);
            int seq = 0;
            KvpDaemon d = KvpDaemon.Start(SharedPools.Spec(shared), host: host);
            try
            {
                for (int round = 0; round < Rounds; round++)
                {
                    KvpDaemon current = d;
                    (string Key, string Value)? pending = null;
                    bool stopping = false;
                    Task writer = Task.Run(() =>
                    {
                        while (!Volatile.Read(ref stopping))
                        {
                            int k = rnd.Next(Keys);
                            string key = "crash-" + k, value = Value(k, ++seq);
                            lock (acked) pending = (key, value);
                            KvpReply r = current.Kvp.Set(KvpPoolId.Guest, key, value, TimeSpan.FromSeconds(20));
                            if (r.Status != HvStatus.S_OK) return;    // the daemon is gone
                            lock (acked)
                            {
                                acked[key] = value;
                                pending = null;
                            }
                        }
                    });
                    Thread.Sleep(30 + rnd.Next(150));
                    Volatile.Write(ref stopping, true);
                    Assert.True(current.Sandbox.KillHard(), current.Describe());
                    Assert.NotNull(current.Sandbox.WaitForExit(KvpDaemon.Bound));
                    Assert.True(host.Kernel.Kvp.WaitClosed(KvpDaemon.Bound));
                    string context = $"round {round}, {seq} SETs\n" + current.Describe();
                    // A SET sent just after the kill waits in the kernel for the next daemon.
                    writer.Wait(TimeSpan.FromSeconds(1));
                    lock (acked) Check(shared, acked, pending, context, afterKill: true);
                    current.Dispose();

                    // The restarted daemon finishes a change the killed one left half-done.
                    d = KvpDaemon.Start(SharedPools.Spec(shared), host: host);
                    Assert.True(writer.Wait(KvpDaemon.Bound), "the host's SET got no answer after the restart\n" + d.Describe());
                    Check(shared, acked, pending, context);
                    if (pending is { } p && PoolRecords.Decode(File.ReadAllBytes(Path.Combine(shared, ".kvp_pool_1"))).Contains(p))
                        acked[p.Key] = p.Value;    // it did land: from now on it is the value to keep
                    Assert.Equal(0, d.ErrorLines);
                }
            }
            finally { d.Dispose(); }
            Assert.True(seq > Rounds, "too few SETs were sent to mean anything: " + seq);
        }
        finally { Directory.Delete(shared, recursive: true); }
    }

    /// <summary>Right after a kill the last change may still be half-applied (its journal entry
    /// pending); only whole-record structure is checked then. After a restart everything is.</summary>
    static void Check(string shared, Dictionary<string, string> acked, (string Key, string Value)? inFlight, string context, bool afterKill = false)
    {
        byte[] file = File.ReadAllBytes(Path.Combine(shared, ".kvp_pool_1"));
        if (afterKill && File.Exists(Path.Combine(shared, ".kvp_journal_1"))
            && File.ReadAllBytes(Path.Combine(shared, ".kvp_journal_1")).AsSpan().StartsWith("HVKJ"u8))
            return;
        Assert.True(file.Length % PoolRecords.Size == 0, $"pool is {file.Length} bytes\n{context}");
        var seen = new HashSet<string>();
        for (int at = 0; at < file.Length; at += PoolRecords.Size)
        {
            string key = Field(file.AsSpan(at, KvpLayout.MaxKeySize), context);
            string value = Field(file.AsSpan(at + KvpLayout.PoolRecordValue, KvpLayout.MaxValueSize), context);
            Assert.True(seen.Add(key), "duplicate record " + key + "\n" + context);
            bool ok = (acked.TryGetValue(key, out string? a) && a == value) || (inFlight is { } p && p.Key == key && p.Value == value);
            Assert.True(ok, $"record {key} holds neither its acknowledged nor its in-flight value: {value}\n{context}");
        }
        foreach (string key in acked.Keys) Assert.True(seen.Contains(key), "acknowledged key " + key + " lost\n" + context);
    }

    static string Field(ReadOnlySpan<byte> field, string context)
    {
        int nul = field.IndexOf((byte)0);
        Assert.True(nul >= 0, "field without NUL\n" + context);
        Assert.True(field[nul..].IndexOfAnyExcept((byte)0) < 0, "bytes after the NUL: a torn field\n" + context);
        try { return Strict.GetString(field[..nul]); }
        catch (DecoderFallbackException) { Assert.Fail("invalid UTF-8 in a record\n" + context); return ""; }
    }
}
