using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Kvp.Pool;
using HvDaemons.Logging;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// Random pool-file bytes (what another program or a crash could leave in /var/lib/hyperv):
/// load, enumerate, GET every key, SET a new key, DELETE it. Checks: every whole record is
/// enumerated as stored, GET finds the first record of each key, and the SET and DELETE leave
/// every other record byte for byte where it was, except the last one, which the DELETE moves
/// into the freed slot (only a trailing partial record may go).
/// </summary>
sealed class PoolFileTarget : FuzzTarget
{
    const int R = PoolImage.RecordSize;
    static readonly byte[] NewKey = Encoding.ASCII.GetBytes("hvfuzz-new-key");
    static readonly byte[] NewValue = Encoding.ASCII.GetBytes("hvfuzz-value");

    readonly Fixture _fx = new("pool");
    readonly MemoryLogger _log = new();
    long _lost;

    public override string Name => "pool-file";
    public override string Description => "KVP pool file reader/writer: random file bytes, records kept byte for byte";
    public override int MaxInputLength => 6 * R + 100;
    public override long DataLost => _lost;
    public override IReadOnlyList<int> HotOffsets => [0, 1, 511, 512, 513, 2559, R, R + 512, 2 * R];

    public override IEnumerable<byte[]> Seeds()
    {
        yield return Array.Empty<byte>();
        yield return Records(("a", "1"), ("b", "2"), ("a", "dup"));
        yield return Records((new string('k', 511), new string('v', 2047)));
        byte[] partial = Records(("x", "y"), ("z", ""));
        yield return partial[..(R + 700)];
        byte[] noNul = new byte[R];
        Array.Fill(noNul, (byte)'q');
        yield return noNul;
        yield return Records(("hvfuzz-new-key", "already"), ("é\xff", "\xfe"));
    }

    static byte[] Records(params (string Key, string Value)[] records)
    {
        var file = new byte[records.Length * R];
        for (int i = 0; i < records.Length; i++)
        {
            Encoding.Latin1.GetBytes(records[i].Key).CopyTo(file, i * R);
            Encoding.Latin1.GetBytes(records[i].Value).CopyTo(file, i * R + 512);
        }
        return file;
    }

    public override Verdict Run(byte[] input)
    {
        string dir = _fx.Dir("pools");
        string path = Path.Combine(dir, ".kvp_pool_1");
        File.WriteAllBytes(path, input);
        int whole = input.Length / R;
        using var pool = new KvpPool(dir, 1, _log);
        _log.Lines.Clear();
        Check(pool.Load(), "load of a readable file failed");
        Check(pool.Count == whole, $"loaded {pool.Count} records of {whole}");

        var firstOf = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < whole; i++)
        {
            Check(pool.Enumerate((uint)i, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value) == PoolResult.Ok, $"ENUMERATE {i} failed");
            ReadOnlySpan<byte> rec = input.AsSpan(i * R, R);
            if (!key.SequenceEqual(PoolImage.KeyOf(rec)) || !value.SequenceEqual(PoolImage.ValueOf(rec))) Lost($"record {i} enumerated differently");
            firstOf.TryAdd(Encoding.Latin1.GetString(key), i);
        }
        Check(pool.Enumerate((uint)whole, out _, out _) == PoolResult.NotFound, "ENUMERATE past the end did not end");
        foreach ((string key, int i) in firstOf)
        {
            Check(pool.Get(Encoding.Latin1.GetBytes(key), out ReadOnlySpan<byte> value) == PoolResult.Ok, "GET of a stored key failed");
            if (!value.SequenceEqual(PoolImage.ValueOf(input.AsSpan(i * R, R)))) Lost($"GET answered another value than record {i}");
        }

        bool existed = firstOf.ContainsKey("hvfuzz-new-key");
        Check(pool.Set(NewKey, NewValue) == PoolResult.Ok, "SET failed");
        byte[] after = File.ReadAllBytes(path);
        int expected = existed ? whole : whole + 1;
        // An update in place leaves a trailing partial record alone; an append writes over it.
        int tail = existed ? input.Length % R : 0;
        Check(after.Length == expected * R + tail, $"SET left {after.Length} bytes, expected {expected} records + {tail}");
        for (int i = 0; i < whole; i++)
        {
            if (existed && i == firstOf["hvfuzz-new-key"]) continue;
            if (!after.AsSpan(i * R, R).SequenceEqual(input.AsSpan(i * R, R))) Lost($"SET changed record {i}");
        }

        Check(pool.Delete(NewKey) == PoolResult.Ok, "DELETE failed");
        after = File.ReadAllBytes(path);
        int skip = existed ? firstOf["hvfuzz-new-key"] : whole;
        Check(after.Length == (expected - 1) * R, $"DELETE left {after.Length} bytes");
        // The last record moves into the deleted one's slot; every other stays where it was.
        for (int j = 0; j < expected - 1; j++)
        {
            int i = j == skip ? expected - 1 : j;
            if (!after.AsSpan(j * R, R).SequenceEqual(input.AsSpan(i * R, R))) Lost($"DELETE moved record {i} wrongly");
        }
        return new Verdict(input.Length % R != 0, FuzzRunner.Behaviour(Math.Min(whole, 7), input.Length % R == 0, existed, firstOf.Count == whole));
    }

    void Lost(string what)
    {
        _lost++;
        throw new InvariantViolation("data lost: " + what);
    }

    public override void Dispose() => _fx.Dispose();
}
