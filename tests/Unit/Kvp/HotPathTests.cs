using System;
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
}
