using System;
using System.Buffers.Binary;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.Logging;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>SET/GET/DELETE/ENUMERATE through KvpService.Handle, as the kernel would send them.</summary>
public class PoolOperationTests
{
    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(4)]
    public void SetThenEnumerateReturnsRecordsInFileOrderThenS_CONT(byte pool)
    {
        using var t = new TempPools();
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(pool, "alpha", "1")));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(pool, "beta", "two")));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(pool, "alpha", "one")));   // update in place keeps order

        byte[] r0 = t.Send(Msg.Enumerate(pool, 0));
        Assert.Equal(Msg.S_OK, Msg.Status(r0));
        Assert.Equal("alpha", Msg.EnumKey(r0));
        Assert.Equal("one", Msg.EnumValue(r0));
        byte[] r1 = t.Send(Msg.Enumerate(pool, 1));
        Assert.Equal(("beta", "two"), (Msg.EnumKey(r1), Msg.EnumValue(r1)));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(pool, 2)));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(pool, uint.MaxValue)));
    }

    [Fact]
    public void GetAnswersAtTheOffsetTheKernelReads()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(0, "key", "a value longer than four bytes"));
        byte[] r = t.Send(Msg.Get(0, "key"));
        Assert.Equal(Msg.S_OK, Msg.Status(r));
        Assert.Equal("a value longer than four bytes", Msg.EnumValue(r));   // offset 532
        Assert.Equal("key", Msg.EnumKey(r));
        Assert.Equal(31u, BinaryPrimitives.ReadUInt32LittleEndian(r.AsSpan(16)));  // enum value_size incl. NUL
    }

    [Fact]
    public void GetOfAMissingKeyIsS_CONT()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(0, "key", "v"));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Get(0, "ke")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Get(0, "key2")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Get(1, "key")));   // pools are separate
    }

    [Fact]
    public void DeleteRemovesTheRecordAndShrinksTheFileByOneRecord()
    {
        using var t = new TempPools();
        foreach (string k in new[] { "a", "b", "c", "d" }) t.Status(Msg.Set(1, k, "v" + k));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Delete(1, "b")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Delete(1, "b")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Delete(1, "zz")));
        Assert.Equal(3 * 2560, new FileInfo(t.PoolPath(1)).Length);
        // A pool is a set: the last record fills the gap (docs/kvp.md, "Differences from upstream").
        string[] onDisk = PoolFileTests.Keys(File.ReadAllBytes(t.PoolPath(1)));
        Assert.Equal(new[] { "a", "c", "d" }, onDisk.Order());
        var walked = Enumerable.Range(0, 3).Select(i => t.Send(Msg.Enumerate(1, (uint)i))).ToList();
        Assert.Equal(onDisk, walked.Select(Msg.EnumKey));
        Assert.All(walked, r => Assert.Equal("v" + Msg.EnumKey(r), Msg.EnumValue(r)));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(1, 3)));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Delete(1, onDisk[^1])));   // the last record
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(1, 2)));
        Assert.Equal(onDisk[..2], PoolFileTests.Keys(File.ReadAllBytes(t.PoolPath(1))));
    }

    [Fact]
    public void AutoPoolEnumerationIsGeneratedNotStored()
    {
        using var t = new TempPools();
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(2, 10)));
        byte[] r = t.Send(Msg.Enumerate(2, 1));
        Assert.Equal(("IntegrationServicesVersion", "Unknown version"), (Msg.EnumKey(r), Msg.EnumValue(r)));
        t.Service.OnRegistered("3.1");
        Assert.Equal("3.1", Msg.EnumValue(t.Send(Msg.Enumerate(2, 1))));
    }

    [Theory]
    [InlineData(5)]
    [InlineData(255)]
    public void UnknownPoolIsS_CONTAndLogged(byte pool)
    {
        using var t = new TempPools();
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Set(pool, "k", "v")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Get(pool, "k")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Delete(pool, "k")));
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(pool, 0)));
        Assert.Equal(4, t.Log.Lines.Count(l => l.Level == LogLevel.Err && l.Message.Contains($"pool {pool} does not exist")));
    }

    [Theory]
    [InlineData(6)]
    [InlineData(99)]
    [InlineData(100)]
    [InlineData(200)]
    public void UnknownOperationIsE_FAILAndLogged(byte op)
    {
        using var t = new TempPools();
        var m = Msg.Enumerate(0, 0);
        m[0] = op;
        Assert.Equal(Msg.E_FAIL, t.Status(m));
        Assert.Contains(t.Log.Lines, l => l.Message.Contains("unknown operation " + op));
    }

    [Fact]
    public void ShortRequestIsE_FAIL()
    {
        using var t = new TempPools();
        var m = Msg.Set(0, "k", "v");
        Assert.Equal(Msg.Size, t.Service.Handle(m, 100));
        Assert.Equal(Msg.E_FAIL, Msg.Status(m));
    }

    /// <summary>Size fields are never trusted: each bad form is refused with S_CONT and one log line, nothing stored.</summary>
    [Theory]
    [InlineData("key_size 0")]
    [InlineData("key_size 513")]
    [InlineData("key_size huge")]
    [InlineData("key_size too small")]
    [InlineData("key_size too large")]
    [InlineData("key without NUL")]
    [InlineData("key invalid UTF-8")]
    [InlineData("value_size 0")]
    [InlineData("value_size 2049")]
    [InlineData("value_size mismatch")]
    [InlineData("value without NUL")]
    [InlineData("value invalid UTF-8")]
    public void BadSetIsRefused(string how)
    {
        using var t = new TempPools();
        byte[] m = Msg.Set(1, "key", "value");
        switch (how)
        {
            case "key_size 0": BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), 0); break;
            case "key_size 513": BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), 513); break;
            case "key_size huge": BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), uint.MaxValue); break;
            case "key_size too small": BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), 3); break;
            case "key_size too large": BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), 9); break;
            case "key without NUL": m.AsSpan(16, 512).Fill((byte)'k'); BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(8), 512); break;
            case "key invalid UTF-8": m[17] = 0xC3; m[18] = 0x28; break;
            case "value_size 0": BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(12), 0); break;
            case "value_size 2049": BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(12), 2049); break;
            case "value_size mismatch": BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(12), 2); break;
            case "value without NUL": m.AsSpan(528, 2048).Fill((byte)'v'); BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(12), 2048); break;
            case "value invalid UTF-8": m[528] = 0xFF; break;
        }
        Assert.Equal(Msg.S_CONT, t.Status(m));
        Assert.Single(t.Log.Lines, l => l.Level == LogLevel.Err);
        Assert.Equal(0, new FileInfo(t.PoolPath(1)).Length);
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(1, 0)));
    }

    [Fact]
    public void BadGetAndDeleteKeysAreRefused()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(0, "key", "v"));
        byte[] g = Msg.Get(0, "key");
        BinaryPrimitives.WriteUInt32LittleEndian(g.AsSpan(8), 600);
        Assert.Equal(Msg.S_CONT, t.Status(g));
        byte[] d = Msg.Delete(0, "key");
        BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(4), 2);
        Assert.Equal(Msg.S_CONT, t.Status(d));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Get(0, "key")));   // still there
    }

    [Fact]
    public void LongestKeyAndValueRoundTrip()
    {
        using var t = new TempPools();
        string key = new('k', 511), value = new('v', 2047);
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(0, key, value)));
        byte[] r = t.Send(Msg.Enumerate(0, 0));
        Assert.Equal((key, value), (Msg.EnumKey(r), Msg.EnumValue(r)));
        Assert.Equal(value, Msg.EnumValue(t.Send(Msg.Get(0, key))));
    }

    [Fact]
    public void NonAsciiUtf8RoundTrips()
    {
        using var t = new TempPools();
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(0, "clé", "värde ✓")));
        Assert.Equal("värde ✓", Msg.EnumValue(t.Send(Msg.Get(0, "clé"))));
    }

    [Fact]
    public void DebugLogsFollowUpstream()
    {
        using var t = new TempPools(debug: true);
        t.Status(Msg.Set(0, "k", "v1"));
        t.Status(Msg.Set(0, "k", "v2"));
        t.Status(Msg.Delete(0, "k"));
        t.Status(Msg.Delete(0, "k"));
        string[] debug = t.Log.Lines.Where(l => l.Level == LogLevel.Debug).Select(l => l.Message).ToArray();
        Assert.Contains("kvp_key_add_or_modify: got a KVP: pool=0 key=k val=v1", debug);
        Assert.Contains("kvp_key_add_or_modify: added: pool=0 key=k val=v1", debug);
        Assert.Contains("kvp_key_add_or_modify: updated: pool=0 key=k val=v2", debug);
        Assert.Contains("kvp_key_delete: deleting the KVP: pool=0 key=k val=v2", debug);
        Assert.Contains("kvp_key_delete: could not delete KVP: pool=0 key=k. Record not found", debug);
        Assert.Contains("===Start dumping the contents of pool 4 ===", debug);
    }

    [Fact]
    public void DebugOffLogsNoDebugLines()
    {
        using var t = new TempPools();
        t.Status(Msg.Set(0, "k", "v1"));
        Assert.DoesNotContain(t.Log.Lines, l => l.Level == LogLevel.Debug);
    }
}
