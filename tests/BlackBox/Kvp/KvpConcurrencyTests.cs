using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// cloud-init's way of writing pool 1 (flock, then append a record, rewrite a value in place,
/// or load and save the whole file) racing the host's SETs and ENUMERATEs through the
/// published daemon for 1,000 rounds: no record lost, torn or duplicated, and every
/// enumeration a consistent snapshot.
/// </summary>
public sealed class KvpConcurrencyTests
{
    const int Rounds = 1000;
    const int HostKeys = 12;
    const int CloudKeys = 12;

    // argv: pool file, stop file, max appends. Prints "appended ops" then "key=gen" lines.
    const string Writer = """
        import fcntl, os, sys, random, time
        path, stop, most = sys.argv[1], sys.argv[2], int(sys.argv[3])
        R = 2560
        rnd = random.Random(7)
        gen = {}
        ops = 0
        def rec(k, v):
            kb, vb = k.encode(), v.encode()
            return kb + bytes(512 - len(kb)) + vb + bytes(2048 - len(vb))
        def key(r):
            return r[:512].split(b'\0')[0].decode()
        while not os.path.exists(stop):
            with open(path, 'r+b') as f:
                fcntl.flock(f, fcntl.LOCK_EX)
                data = f.read()
                recs = [data[i:i + R] for i in range(0, len(data) - R + 1, R)]
                mine = [i for i, r in enumerate(recs) if r.startswith(b'cloud-')]
                c = rnd.random()
                if len(gen) < most and (c < 0.3 or not mine):
                    k = 'cloud-%d' % len(gen)
                    gen[k] = 0
                    f.seek(len(recs) * R)
                    f.write(rec(k, '%s=0' % k))
                elif c < 0.65:
                    i = rnd.choice(mine); k = key(recs[i]); gen[k] += 1
                    f.seek(i * R + 512)
                    f.write(rec(k, '%s=%d' % (k, gen[k]))[512:])
                else:
                    i = rnd.choice(mine); k = key(recs[i]); gen[k] += 1
                    recs[i] = rec(k, '%s=%d' % (k, gen[k]))
                    f.seek(0); f.truncate(); f.write(b''.join(recs))
                f.flush()
                fcntl.flock(f, fcntl.LOCK_UN)
            ops += 1
            time.sleep(0.0003)
        print(len(gen), ops)
        for k, g in gen.items():
            print('%s=%d' % (k, g))
        """;

    [SkippableFact]
    public void A_flock_writer_and_the_host_racing_for_1000_rounds_lose_tear_and_duplicate_nothing()
    {
        var seeded = new (string, string)[] { ("PROVISIONING_STARTED", "yes") };
        using var d = KvpDaemon.Start(KvpDaemon.Spec().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_1", PoolRecords.Encode(seeded)));
        string stop = Path.Combine(d.Sandbox.WorkDirectory, "stop-writer");
        var psi = new ProcessStartInfo("python3", ["-c", Writer, d.PoolPath(1), stop, CloudKeys.ToString()])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using Process writer = Process.Start(psi)!;
        var output = writer.StandardOutput.ReadToEndAsync();
        var errors = writer.StandardError.ReadToEndAsync();

        var hostValue = new Dictionary<string, int>();
        var lastGen = new Dictionary<string, int>();
        try
        {
            for (int round = 0; round < Rounds; round++)
            {
                string k = "host-" + (round % HostKeys);
                KvpReply set = d.Kvp.Set(KvpPoolId.Guest, k, k + "=" + round);
                Assert.True(set.Ok, "round " + round + " SET: " + set + "\n" + d.Describe());
                hostValue[k] = round;

                var snapshot = d.EnumerateAll(KvpPoolId.Guest);
                CheckSnapshot(snapshot, seeded, hostValue, lastGen, "round " + round);
                if (writer.HasExited) Assert.Fail("the writer died: " + errors.Result);
            }
        }
        finally
        {
            File.WriteAllText(stop, "");
            if (!writer.WaitForExit(20_000)) writer.Kill();
        }
        Assert.Equal(0, writer.ExitCode);
        string[] lines = output.Result.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        int[] head = lines[0].Split(' ').Select(int.Parse).ToArray();
        Assert.Equal(CloudKeys, head[0]);
        Assert.True(head[1] > CloudKeys, "the writer did too little to race: " + lines[0]);
        var finalGen = lines.Skip(1).Select(l => l.Split('=')).ToDictionary(p => p[0], p => int.Parse(p[1]));

        // The end state: every writer's last word and every host value, each once, file whole.
        var final = d.EnumerateAll(KvpPoolId.Guest);
        CheckSnapshot(final, seeded, hostValue, lastGen, "final");
        Assert.Equal(finalGen.OrderBy(p => p.Key), lastGen.OrderBy(p => p.Key));
        Assert.Equal(1 + HostKeys + CloudKeys, final.Count);
        byte[] file = File.ReadAllBytes(d.PoolPath(1));
        Assert.Equal(final.Count * PoolRecords.Size, file.Length);
        Assert.Equal(final, PoolRecords.Decode(file));
        Assert.Equal(0, d.ErrorLines);
    }

    /// <summary>Keys unique; values belong to their key (not torn); every host SET so far present
    /// with its latest value; the writer's records never go back (count or generation).</summary>
    static void CheckSnapshot(List<(string Key, string Value)> snapshot, (string, string)[] seeded,
                              Dictionary<string, int> hostValue, Dictionary<string, int> lastGen, string when)
    {
        string dump = when + ": " + string.Join(" | ", snapshot.Select(r => r.Key + "=>" + r.Value));
        Assert.True(snapshot.Select(r => r.Key).Distinct().Count() == snapshot.Count, "duplicate key; " + dump);
        Assert.True(snapshot.Take(seeded.Length).SequenceEqual(seeded), "seeded record moved or lost; " + dump);
        foreach (var (k, v) in hostValue)
            Assert.True(snapshot.Contains((k, k + "=" + v)), k + " lost or stale; " + dump);
        int cloud = 0;
        foreach (var (key, value) in snapshot.Skip(seeded.Length))
        {
            int n = -1;
            Assert.True(value.StartsWith(key + "=", StringComparison.Ordinal) && int.TryParse(value.AsSpan(key.Length + 1), out n),
                        "torn record " + key + "; " + dump);
            if (!key.StartsWith("cloud-", StringComparison.Ordinal)) { Assert.StartsWith("host-", key); continue; }
            cloud++;
            Assert.True(!lastGen.TryGetValue(key, out int before) || n >= before, key + " went back from " + before + "; " + dump);
            lastGen[key] = n;
        }
        Assert.True(cloud >= lastGen.Count, "a writer's record disappeared; " + dump);
    }
}
