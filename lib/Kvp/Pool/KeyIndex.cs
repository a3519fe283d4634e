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

    /// <summary>Some key is held by more than one record (only a file another program wrote):
    /// then which record a key finds depends on their order, and a removal rebuilds.</summary>
    public bool HasDuplicates { get; private set; }

    public void Clear()
    {
        Array.Clear(_records);
        _used = 0;
        HasDuplicates = false;
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
        HasDuplicates = false;
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
        if (Find(image, key) >= 0)
        {
            HasDuplicates = true;
            return;
        }
        if ((_used + 1) * 2 > _records.Length) Grow();
        int hash = Hash(key);
        int mask = _records.Length - 1;
        int s = hash & mask;
        while (_records[s] != 0) s = (s + 1) & mask;
        _records[s] = record + 1;
        _hashes[s] = hash;
        _used++;
    }

    /// <summary>Forgets <paramref name="record"/>, indexed under <paramref name="key"/>.</summary>
    public void Remove(ReadOnlySpan<byte> key, int record)
    {
        int mask = _records.Length - 1;
        int s = SlotOf(key, record);
        if (s < 0) return;
        // Backward-shift deletion: later entries of the probe run move into the gap unless
        // their home slot lies after it, so every remaining key is still found from its home.
        for (int j = s; ;)
        {
            _records[s] = 0;
            while (true)
            {
                j = (j + 1) & mask;
                if (_records[j] == 0)
                {
                    _used--;
                    return;
                }
                int home = _hashes[j] & mask;
                bool staysPut = s <= j ? s < home && home <= j : s < home || home <= j;
                if (!staysPut) break;
            }
            _records[s] = _records[j];
            _hashes[s] = _hashes[j];
            s = j;
        }
    }

    /// <summary><paramref name="key"/>, indexed at record <paramref name="from"/>, is now at record <paramref name="to"/>.</summary>
    public void Move(ReadOnlySpan<byte> key, int from, int to)
    {
        int s = SlotOf(key, from);
        if (s >= 0) _records[s] = to + 1;
    }

    int SlotOf(ReadOnlySpan<byte> key, int record)
    {
        int mask = _records.Length - 1;
        for (int s = Hash(key) & mask; _records[s] != 0; s = (s + 1) & mask)
            if (_records[s] == record + 1) return s;
        return -1;
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
