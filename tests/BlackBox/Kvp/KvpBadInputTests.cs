using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// Messages the kernel would never build, sent raw: each gets a defined status, one clear log
/// line, stores nothing, and the next request is served.
/// </summary>
public sealed class KvpBadInputTests
{
    static byte[] Message(byte op, byte pool, int sizeOffset, int textOffset, byte[] text, uint size)
    {
        byte[] m = KvpHost.NewRawMessage(op, pool);
        text.CopyTo(m, textOffset);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(sizeOffset), size);
        return m;
    }

    /// <summary>A SET whose key and value fields and sizes are given as is.</summary>
    static byte[] Set(byte[] key, uint keySize, byte[] value, uint valueSize)
    {
        byte[] m = Message(KvpOp.Set, KvpPoolId.External, KvpLayout.KeySize, KvpLayout.Key, key, keySize);
        value.CopyTo(m, KvpLayout.Value);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(KvpLayout.ValueSize), valueSize);
        return m;
    }

    static byte[] Z(string s) => Encoding.UTF8.GetBytes(s + "\0");
    static byte[] Fill(byte b, int n) { byte[] a = new byte[n]; Array.Fill(a, b); return a; }

    public static TheoryData<string, string, byte[]> BadSets => new()
    {
        { "key_size 0", "key_size 0 is outside 1..512", Set(Z("k"), 0, Z("v"), 2) },
        { "key_size 513", "key_size 513 is outside 1..512", Set(Z("k"), 513, Z("v"), 2) },
        { "key_size huge", "key_size 4294967295 is outside 1..512", Set(Z("k"), uint.MaxValue, Z("v"), 2) },
        { "value_size 2049", "value_size 2049 is outside 1..2048", Set(Z("k"), 2, Z("v"), 2049) },
        { "value_size 0", "value_size 0 is outside 1..2048", Set(Z("k"), 2, Z("v"), 0) },
        { "key_size longer than the key", "key_size 10 does not match the key's length 3 + NUL", Set(Z("abc"), 10, Z("v"), 2) },
        { "key_size shorter than the key", "key_size 2 does not match the key's length 3 + NUL", Set(Z("abc"), 2, Z("v"), 2) },
        { "value_size not matching", "value_size 9 does not match the value's length 1 + NUL", Set(Z("k"), 2, Z("v"), 9) },
        { "key without NUL", "key has no terminating NUL", Set(Fill((byte)'a', 512), 512, Z("v"), 2) },
        { "value without NUL", "value has no terminating NUL", Set(Z("k"), 2, Fill((byte)'b', 2048), 2048) },
        { "key not UTF-8", "key is not valid UTF-8", Set([0x6b, 0xff, 0xfe, 0], 4, Z("v"), 2) },
        { "value not UTF-8", "value is not valid UTF-8", Set(Z("k"), 2, [0xc3, 0x28, 0], 3) },
        { "overlong UTF-8", "key is not valid UTF-8", Set([0xc0, 0xaf, 0], 3, Z("v"), 2) },
    };

    [SkippableTheory]
    [MemberData(nameof(BadSets))]
    public void A_bad_SET_is_HV_S_CONT_with_one_line_and_stores_nothing(string what, string logged, byte[] message)
    {
        using var d = KvpDaemon.Start();
        KvpReply r = d.Kvp.SendRaw(message);
        Assert.True((HvStatus.S_CONT, AnswerSource.Daemon) == (r.Status, r.Source), what + ": " + r);
        d.AssertOneLine("refused SET in pool 0: " + logged);
        Assert.Equal(0, new FileInfo(d.PoolPath(0)).Length);
        d.AssertServes();
    }

    public static TheoryData<string, byte, string, byte[]> BadKeys => new()
    {
        { "GET key_size 0", KvpOp.Get, "refused GET in pool 1: key_size 0", Message(KvpOp.Get, 1, KvpLayout.KeySize, KvpLayout.Key, Z("k"), 0) },
        { "GET no NUL", KvpOp.Get, "refused GET in pool 1: key has no terminating NUL", Message(KvpOp.Get, 1, KvpLayout.KeySize, KvpLayout.Key, Fill(0x41, 512), 512) },
        { "GET not UTF-8", KvpOp.Get, "refused GET in pool 1: key is not valid UTF-8", Message(KvpOp.Get, 1, KvpLayout.KeySize, KvpLayout.Key, [0x80, 0], 2) },
        { "DELETE key_size 600", KvpOp.Delete, "refused DELETE in pool 1: key_size 600", Message(KvpOp.Delete, 1, KvpLayout.DeleteKeySize, KvpLayout.DeleteKey, Z("k"), 600) },
        { "DELETE size mismatch", KvpOp.Delete, "refused DELETE in pool 1: key_size 5 does not match", Message(KvpOp.Delete, 1, KvpLayout.DeleteKeySize, KvpLayout.DeleteKey, Z("k"), 5) },
        { "DELETE not UTF-8", KvpOp.Delete, "refused DELETE in pool 1: key is not valid UTF-8", Message(KvpOp.Delete, 1, KvpLayout.DeleteKeySize, KvpLayout.DeleteKey, [0xed, 0xa0, 0x80, 0], 4) },
    };

    [SkippableTheory]
    [MemberData(nameof(BadKeys))]
    public void A_bad_GET_or_DELETE_is_HV_S_CONT_with_one_line_and_changes_nothing(string what, byte op, string logged, byte[] message)
    {
        var seeded = PoolRecords.Encode(("k", "kept"), ("A", "also kept"));
        using var d = KvpDaemon.Start(KvpDaemon.Spec().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_1", seeded));
        KvpReply r = d.Kvp.SendRaw(message);
        Assert.True((HvStatus.S_CONT, AnswerSource.Daemon) == (r.Status, r.Source), what + ": " + r);
        d.AssertOneLine(logged);
        Assert.Equal(seeded, File.ReadAllBytes(d.PoolPath(1)));
        Assert.Equal("kept", d.Kvp.Get(KvpPoolId.Guest, "k").Value);
        // The same operation, well-formed, works right after.
        if (op == KvpOp.Get) Assert.Equal("also kept", d.Kvp.Get(KvpPoolId.Guest, "A").Value);
        else Assert.Equal(HvStatus.S_OK, d.Kvp.Delete(KvpPoolId.Guest, "A").Status);
        d.AssertServes();
    }

    [SkippableFact]
    public void Unknown_operations_are_HV_E_FAIL_and_unknown_pools_HV_S_CONT()
    {
        using var d = KvpDaemon.Start();
        foreach (byte op in new byte[] { 6, 7, 99, 101, 255 })
        {
            KvpReply r = d.Kvp.SendRaw(KvpHost.NewRawMessage(op, 0));
            Assert.True((HvStatus.E_FAIL, AnswerSource.Daemon) == (r.Status, r.Source), "op " + op + ": " + r);
            d.AssertOneLine($"unknown operation {op} (pool 0); answered HV_E_FAIL");
        }
        foreach (byte op in new[] { KvpOp.Get, KvpOp.Set, KvpOp.Delete, KvpOp.Enumerate })
            foreach (byte pool in new byte[] { 5, 200, 255 })
            {
                byte[] m = Message(op, pool, KvpLayout.KeySize, KvpLayout.Key, Z("k"), 2);
                KvpReply r = d.Kvp.SendRaw(m);
                Assert.True((HvStatus.S_CONT, AnswerSource.Daemon) == (r.Status, r.Source), KvpOp.Name(op) + " pool " + pool + ": " + r);
                d.AssertOneLine($"{KvpOp.Name(op)}: pool {pool} does not exist; answered HV_S_CONT");
            }
        for (int pool = 0; pool < KvpPoolId.Count; pool++) Assert.Equal(0, new FileInfo(d.PoolPath(pool)).Length);
        d.AssertServes();
    }

    [SkippableFact]
    public void Strings_the_kernel_could_not_convert_are_sent_with_a_replacement_character()
    {
        // Another program wrote a record whose key and value are not UTF-8; the kernel would fail
        // the whole request (HV_E_FAIL) if the daemon passed those bytes on.
        byte[] rec = PoolRecords.Encode(("x", "y"));
        rec[0] = (byte)'k'; rec[1] = 0xff; rec[2] = (byte)'z'; rec[3] = 0;
        rec[512] = 0xc3; rec[513] = 0x28; rec[514] = 0;
        using var d = KvpDaemon.Start(KvpDaemon.Spec().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_1", rec));
        KvpReply e = d.Kvp.Enumerate(KvpPoolId.Guest, 0);
        Assert.Equal((HvStatus.S_OK, AnswerSource.Daemon, "k?z", "?("), (e.Status, e.Source!.Value, e.Key, e.Value));
        Assert.Equal(rec, File.ReadAllBytes(d.PoolPath(1)));   // the stored bytes are untouched
    }
}
