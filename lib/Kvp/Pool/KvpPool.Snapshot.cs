using System.Collections.Generic;

namespace HvDaemons.Kvp.Pool;

/// <summary>A consistent copy of every record, for guest-side readers (hv_kvp_client list).</summary>
internal sealed partial class KvpPool
{
    /// <summary>Adds (key, value) of every record in file order, all under one lock, so a
    /// writer racing the listing cannot make it show half of its change.</summary>
    public PoolResult Snapshot(List<(byte[] Key, byte[] Value)> into)
    {
        PoolResult begun = Begin("list");
        if (begun != PoolResult.Ok) return begun;
        try
        {
            for (int i = 0; i < _image.Count; i++)
            {
                var rec = _image.Record(i);
                into.Add((PoolImage.KeyOf(rec).ToArray(), PoolImage.ValueOf(rec).ToArray()));
            }
            return PoolResult.Ok;
        }
        finally { End(); }
    }
}
