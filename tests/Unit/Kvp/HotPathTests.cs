using System;
using System.IO;
using System.Linq;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>
/// The KVP hot path once a pool is loaded: GET, SET, ENUMERATE and DELETE allocate no managed
/// memory (nothing for the GC to collect, so RSS stays flat under load), and the key index
/// that makes this possible finds every key through growth, deletes and duplicates.
/// </summary>
public class HotPathTests
{
    const int Keys = 300;   // past the index's first table size, so it has grown

    static TempPools Loaded()
    {
        var t = new TempPools();
        for (int i = 0; i < Keys; i++) Assert.Equal(Msg.S_OK, t.Status(Msg.Set(0, "key-" + i, "value-" + i)));
        return t;
    }

    /// <summary>Managed bytes one request's handling allocated on this thread.</summary>
    static long Allocated(TempPools t, byte[] request)
    {
        byte[] m = (byte[])request.Clone();
        long before = GC.GetAllocatedBytesForCurrentThread();
        t.Service.Handle(m, m.Length);
        long after = GC.GetAllocatedBytesForCurrentThread();
        Assert.Equal(Msg.S_OK, Msg.Status(m));
        return after - before;
    }

    [Fact]
    public void LoadedPoolOperationsAllocateNothing()
    {
        using var t = Loaded();
        byte[] get = Msg.Get(0, "key-7"), update = Msg.Set(0, "key-9", "changed"), enumerate = Msg.Enumerate(0, 42);
        byte[] append = Msg.Set(0, "appended", "new"), delete = Msg.Delete(0, "appended");
        // First runs: code paths warm, the image has room for one more record.
        foreach (byte[] m in new[] { get, update, enumerate, append, delete }) Allocated(t, m);
        for (int round = 0; round < 3; round++)
        {
            Assert.Equal(0, Allocated(t, get));
            Assert.Equal(0, Allocated(t, update));
            Assert.Equal(0, Allocated(t, enumerate));
            Assert.Equal(0, Allocated(t, append));
            Assert.Equal(0, Allocated(t, delete));
        }
    }

    [Fact]
    public void EveryKeyIsFoundAfterGrowthAndDeletes()
    {
        using var t = Loaded();
        for (int i = 0; i < Keys; i += 3) Assert.Equal(Msg.S_OK, t.Status(Msg.Delete(0, "key-" + i)));
        for (int i = 0; i < Keys; i++)
        {
            byte[] r = t.Send(Msg.Get(0, "key-" + i));
            if (i % 3 == 0) Assert.Equal(Msg.S_CONT, Msg.Status(r));
            else Assert.Equal(("key-" + i, "value-" + i), (Msg.EnumKey(r), Msg.EnumValue(r)));
        }
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Get(0, "key-")));      // a prefix is not a key
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Get(0, "key-10x")));   // nor a longer one
    }

    [Fact]
    public void RandomSetsAndDeletesKeepIndexFileAndModelEqual()
    {
        // Many removals out of one probe run of the index (300 keys in 1,024 slots collide).
        using var t = Loaded();
        var model = Enumerable.Range(0, Keys).ToDictionary(i => "key-" + i, i => "value-" + i);
        var rnd = new Random(16);
        for (int op = 1; op <= 3000; op++)
        {
            string key = "key-" + rnd.Next(Keys + 50);
            if (rnd.Next(3) == 0)
            {
                Assert.Equal(model.Remove(key) ? Msg.S_OK : Msg.S_CONT, t.Status(Msg.Delete(0, key)));
            }
            else
            {
                string value = "v" + op + new string('x', rnd.Next(1500));
                Assert.Equal(Msg.S_OK, t.Status(Msg.Set(0, key, value)));
                model[key] = value;
            }
            if (op % 500 != 0) continue;
            for (int i = 0; i < Keys + 50; i++)
            {
                byte[] r = t.Send(Msg.Get(0, "key-" + i));
                if (model.TryGetValue("key-" + i, out string? v)) Assert.Equal(v, Msg.EnumValue(r));
                else Assert.Equal(Msg.S_CONT, Msg.Status(r));
            }
            byte[] file = File.ReadAllBytes(t.PoolPath(0));
            var onDisk = Enumerable.Range(0, file.Length / 2560).Select(i => (Msg.CStr(file, i * 2560, 512), Msg.CStr(file, i * 2560 + 512, 2048))).ToList();
            Assert.Equal(model.Select(p => (p.Key, p.Value)).Order(), onDisk.Order());
            Assert.Equal(onDisk, Enumerable.Range(0, onDisk.Count).Select(i => t.Send(Msg.Enumerate(0, (uint)i))).Select(r => (Msg.EnumKey(r), Msg.EnumValue(r))));
        }
    }

    [Fact]
    public void RecordsWithBytesAfterTheirNulsAreWrittenBackExactly()
    {
        using var t = new TempPools();
        Directory.CreateDirectory(t.Paths.PoolDirectory);
        byte[] odd = PoolFileTests.Record("odd", "v1");
        odd[100] = 0x55;          // after the key's NUL
        odd[512 + 900] = 0xAA;    // after the value's NUL
        byte[] clean = PoolFileTests.Record("clean", "v2");
        File.WriteAllBytes(t.PoolPath(0), PoolFileTests.Record("first", "x").Concat(clean).Concat(odd).ToArray());

        Assert.Equal(("odd", "v1"), (Msg.EnumKey(t.Send(Msg.Enumerate(0, 2))), Msg.EnumValue(t.Send(Msg.Enumerate(0, 2)))));
        Assert.Equal(Msg.S_OK, t.Status(Msg.Delete(0, "first")));   // the last record, odd, fills the gap
        Assert.Equal(odd.Concat(clean).ToArray(), File.ReadAllBytes(t.PoolPath(0)));

        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(0, "odd", "v3")));  // the value field is rewritten whole
        byte[] file = File.ReadAllBytes(t.PoolPath(0));
        Assert.Equal(0x55, file[100]);
        Assert.Equal(0, file[512 + 900]);
        Assert.Equal("v3", Msg.EnumValue(t.Send(Msg.Get(0, "odd"))));
    }

    [Fact]
    public void ValuesThatGrowAndShrinkStayRightAndMatchTheFile()
    {
        using var t = Loaded();
        var rnd = new Random(5);
        var expect = Enumerable.Range(0, Keys).ToDictionary(i => "key-" + i, i => "value-" + i);
        for (int n = 0; n < 3000; n++)
        {
            string key = "key-" + rnd.Next(Keys);
            string value = new string((char)('a' + n % 26), rnd.Next(1, 2048));
            Assert.Equal(Msg.S_OK, t.Status(Msg.Set(0, key, value)));
            expect[key] = value;
        }
        foreach (var (key, value) in expect) Assert.Equal(value, Msg.EnumValue(t.Send(Msg.Get(0, key))));
        byte[] file = File.ReadAllBytes(t.PoolPath(0));
        for (int i = 0; i < Keys; i++)
            Assert.Equal(PoolFileTests.Record("key-" + i, expect["key-" + i]), file.AsSpan(i * 2560, 2560).ToArray());
    }
}
