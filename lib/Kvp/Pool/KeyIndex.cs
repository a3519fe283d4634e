using System;

namespace HvDaemons.Kvp.Pool;

/// <summary>
/// Key → first record holding it, for <see cref="PoolImage"/>, without allocating per lookup:
/// open addressing over record numbers, each slot keeping its key's hash, keys compared in
/// place in the image. Memory is only allocated when the pool outgrows the table.
/// </summary>
internal sealed class KeyIndex
{
    const int MinSlots = 128;

    int[] _records = new int[MinSlots];   // record number + 1; 0 = free
    int[] _hashes = new int[MinSlots];
    int _used;

    public void Clear()
    {
        Array.Clear(_records);
        _used = 0;
    }

    /// <summary>Indexes records 0..count-1 of <paramref name="image"/>; earlier records win on duplicates.</summary>
    public void Rebuild(PoolImage image, int count)
    {
        int want = MinSlots;
        while (want < count * 2) want *= 2;
        if (want > _records.Length)
        {
            _records = new int[want];
            _hashes = new int[want];
        }
        else Clear();
        _used = 0;
        for (int i = 0; i < count; i++) TryAdd(image, image.Key(i), i);
    }

    /// <summary>Record number of the first record whose key equals <paramref name="key"/>, or -1.</summary>
    public int Find(PoolImage image, ReadOnlySpan<byte> key)
    {
        int hash = Hash(key);
        int mask = _records.Length - 1;
        for (int s = hash & mask; ; s = (s + 1) & mask)
        {
            int entry = _records[s];
            if (entry == 0) return -1;
            if (_hashes[s] == hash && image.Key(entry - 1).SequenceEqual(key)) return entry - 1;
        }
    }

    /// <summary>Adds <paramref name="record"/> under <paramref name="key"/> unless an earlier record has that key.</summary>
    public void TryAdd(PoolImage image, ReadOnlySpan<byte> key, int record)
    {
        if (Find(image, key) >= 0) return;
        if ((_used + 1) * 2 > _records.Length) Grow();
        int hash = Hash(key);
        int mask = _records.Length - 1;
        int s = hash & mask;
        while (_records[s] != 0) s = (s + 1) & mask;
        _records[s] = record + 1;
        _hashes[s] = hash;
        _used++;
    }

    void Grow()
    {
        int[] records = _records, hashes = _hashes;
        _records = new int[records.Length * 2];
        _hashes = new int[records.Length * 2];
        int mask = _records.Length - 1;
        for (int i = 0; i < records.Length; i++)
        {
            if (records[i] == 0) continue;
            int s = hashes[i] & mask;
            while (_records[s] != 0) s = (s + 1) & mask;
            _records[s] = records[i];
            _hashes[s] = hashes[i];
        }
    }

    // Seeded per process, so a host cannot choose keys that collide.
    static int Hash(ReadOnlySpan<byte> key)
    {
        var h = new HashCode();
        h.AddBytes(key);
        return h.ToHashCode() & int.MaxValue;
    }
}
