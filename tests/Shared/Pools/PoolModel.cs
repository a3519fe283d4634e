using System;
using System.Collections.Generic;
using System.IO;

namespace HvDaemons.Testing.Pools;

/// <summary>
/// What a pool file must hold after the requests the daemon acknowledged: records in file
/// order, a SET of a known key changing its value in place, a DELETE moving the last record
/// into the gap. A file
/// that differs has lost (or invented) data. The record layout (2560 bytes: a 512-byte key,
/// then a 2048-byte value, each NUL-padded) is written out here, not taken from lib, so the
/// model checks lib rather than agreeing with it. Shared by the fuzz targets and the storms.
/// </summary>
sealed class PoolModel
{
    public const int RecordSize = 2560, KeyField = 512;
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
        if (i < 0) return;
        // The last record moves into the gap (docs/kvp.md, "Differences from upstream").
        _records[i] = _records[^1];
        _records.RemoveAt(_records.Count - 1);
    }

    public void Clear() => _records.Clear();

    /// <returns>null when the file holds exactly the model's records, else what differs.</returns>
    public string? Compare(string path)
    {
        byte[] file = Read(path);
        int n = file.Length / RecordSize;
        if (file.Length % RecordSize != 0) return $"file is {file.Length} bytes, not whole records";
        if (n != _records.Count) return $"file has {n} records, {_records.Count} acknowledged";
        for (int i = 0; i < n; i++)
        {
            ReadOnlySpan<byte> rec = file.AsSpan(i * RecordSize, RecordSize);
            if (!Field(rec[..KeyField]).SequenceEqual(_records[i].Key)) return $"record {i} has another key";
            if (!Field(rec[KeyField..]).SequenceEqual(_records[i].Value)) return $"record {i} has another value";
        }
        return null;
    }

    /// <summary>Records missing from the file or differing from the model (0: nothing lost).</summary>
    public int Lost(string path)
    {
        byte[] file = Read(path);
        int n = file.Length / RecordSize;
        int lost = Math.Abs(n - _records.Count);
        for (int i = 0; i < Math.Min(n, _records.Count); i++)
        {
            ReadOnlySpan<byte> rec = file.AsSpan(i * RecordSize, RecordSize);
            if (!Field(rec[..KeyField]).SequenceEqual(_records[i].Key) || !Field(rec[KeyField..]).SequenceEqual(_records[i].Value))
                lost++;
        }
        return lost;
    }

    static byte[] Read(string path) => File.Exists(path) ? File.ReadAllBytes(path) : Array.Empty<byte>();

    static ReadOnlySpan<byte> Field(ReadOnlySpan<byte> f)
    {
        int nul = f.IndexOf((byte)0);
        return nul < 0 ? f : f[..nul];
    }
}
