using System;
using System.Collections.Generic;
using System.IO;

namespace HvDaemons.BlackBox.Storms;

/// <summary>The records a pool file must hold after the SETs and DELETEs the daemon acknowledged, in file order.</summary>
sealed class StormModel
{
    const int Record = 2560, KeyField = 512;
    readonly List<(byte[] Key, byte[] Value)> _records = new();

    public int Count => _records.Count;

    int IndexOf(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < _records.Count; i++)
            if (key.SequenceEqual(_records[i].Key)) return i;
        return -1;
    }

    public void Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        int i = IndexOf(key);
        if (i >= 0) _records[i] = (_records[i].Key, value.ToArray());
        else _records.Add((key.ToArray(), value.ToArray()));
    }

    public void Delete(ReadOnlySpan<byte> key)
    {
        int i = IndexOf(key);
        if (i >= 0) _records.RemoveAt(i);
    }

    /// <summary>Records of the file that are missing or differ from the model (0: nothing lost).</summary>
    public int Lost(string path)
    {
        byte[] file = File.Exists(path) ? File.ReadAllBytes(path) : Array.Empty<byte>();
        int n = file.Length / Record;
        int lost = Math.Abs(n - _records.Count);
        for (int i = 0; i < Math.Min(n, _records.Count); i++)
        {
            ReadOnlySpan<byte> rec = file.AsSpan(i * Record, Record);
            if (!Field(rec[..KeyField]).SequenceEqual(_records[i].Key) || !Field(rec[KeyField..]).SequenceEqual(_records[i].Value))
                lost++;
        }
        return lost;
    }

    static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> f)
    {
        int nul = f.IndexOf((byte)0);
        return nul < 0 ? f : f[..nul];
    }
}
