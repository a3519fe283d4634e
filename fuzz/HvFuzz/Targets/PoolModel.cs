using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Kvp.Pool;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// What a pool file must hold after the requests the daemon acknowledged: records in file
/// order, a SET of a known key changing its value in place, a DELETE closing the gap.
/// A file that differs has lost (or invented) data.
/// </summary>
sealed class PoolModel
{
    readonly List<(byte[] Key, byte[] Value)> _records = new();

    public int Count => _records.Count;

    public int IndexOf(ReadOnlySpan<byte> key)
    {
        for (int i = 0; i < _records.Count; i++)
            if (key.SequenceEqual(_records[i].Key)) return i;
        return -1;
    }

    public (byte[] Key, byte[] Value) At(int i) => _records[i];

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

    public void Clear() => _records.Clear();

    /// <returns>null when the file holds exactly the model's records, else what differs.</returns>
    public string? Compare(string path)
    {
        byte[] file = File.Exists(path) ? File.ReadAllBytes(path) : Array.Empty<byte>();
        int n = file.Length / PoolImage.RecordSize;
        if (file.Length % PoolImage.RecordSize != 0) return $"file is {file.Length} bytes, not whole records";
        if (n != _records.Count) return $"file has {n} records, {_records.Count} acknowledged";
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> rec = file.AsSpan(i * PoolImage.RecordSize, PoolImage.RecordSize);
            if (!PoolImage.KeyOf(rec).SequenceEqual(_records[i].Key)) return $"record {i} has another key";
            if (!PoolImage.ValueOf(rec).SequenceEqual(_records[i].Value)) return $"record {i} has another value";
        }
        return null;
    }
}
