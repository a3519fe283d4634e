using System;
using HvDaemons.Wire;

namespace HvDaemons.Kvp.Pool;

/// <summary>
/// The records of one pool file in file order, kept compact: a record whose fields hold
/// nothing after their strings' NULs (every record a daemon writes) is stored as its key and
/// value bytes only, any other record as its 2560 bytes exactly as stored, so whatever is
/// written back equals the file. A 500-record pool takes tens of kB instead of 1.25 MB. An
/// index from key to the first record holding it makes a lookup O(1) (keys compare byte for
/// byte, like upstream's memcmp), and so does a removal (the last record moves into the gap).
/// Pure memory: <see cref="KvpPool"/> decides when it mirrors the file. Nothing here
/// allocates once the buffers have grown to the pool's size.
/// </summary>
internal sealed class PoolImage
{
    public const int RecordSize = KvpLayout.PoolRecordSize;
    public const int KeyField = KvpLayout.MaxKeySize;
    public const int ValueField = KvpLayout.MaxValueSize;
    /// <summary>Records per read chunk (40 kB), allocated on first use: most pools are empty
    /// and never need one.</summary>
    public const int ChunkRecords = 16;

    /// <summary>Where record i's bytes are in the arena; Raw: all 2560 bytes are there.</summary>
    struct Entry
    {
        public int Offset;
        public short KeyLength;
        public short ValueLength;
        public bool Raw;
    }

    Entry[] _entries = new Entry[16];
    byte[] _arena = new byte[4096];
    byte[] _spare = Array.Empty<byte>();
    int _arenaUsed;
    int _garbage;
    byte[]? _chunk;
    byte[] _bytes = Array.Empty<byte>();
    readonly KeyIndex _index = new();

    public int Count { get; private set; }

    public ReadOnlySpan<byte> Key(int i)
    {
        Entry e = _entries[i];
        return e.Raw ? KeyOf(_arena.AsSpan(e.Offset, RecordSize)) : _arena.AsSpan(e.Offset, e.KeyLength);
    }

    public ReadOnlySpan<byte> Value(int i)
    {
        Entry e = _entries[i];
        return e.Raw ? ValueOf(_arena.AsSpan(e.Offset, RecordSize)) : _arena.AsSpan(e.Offset + e.KeyLength, e.ValueLength);
    }

    /// <summary>Record i as the file holds it (2560 bytes) into <paramref name="into"/>.</summary>
    public void CopyRecord(int i, Span<byte> into)
    {
        Entry e = _entries[i];
        if (e.Raw) _arena.AsSpan(e.Offset, RecordSize).CopyTo(into);
        else FormatRecord(Key(i), Value(i), into[..RecordSize]);
    }

    // ---- loading: Clear, then LoadBuffer/Loaded per chunk read from the file, then Commit ----

    public void Clear()
    {
        Count = 0;
        _arenaUsed = _garbage = 0;
        _index.Clear();
    }

    /// <summary>A buffer for the next up to <see cref="ChunkRecords"/> records read from the file.</summary>
    public Span<byte> LoadBuffer(int records)
        => (_chunk ??= new byte[ChunkRecords * RecordSize]).AsSpan(0, Math.Min(records, ChunkRecords) * RecordSize);

    /// <summary>Appends the whole records of <paramref name="bytes"/> (a filled <see cref="LoadBuffer"/>).</summary>
    public void Loaded(ReadOnlySpan<byte> bytes)
    {
        for (int at = 0; at + RecordSize <= bytes.Length; at += RecordSize) Add(bytes.Slice(at, RecordSize));
    }

    public void Commit() => _index.Rebuild(this, Count);

    // ---- changes, each after the file was written ----

    /// <summary>The file's bytes in [<paramref name="offset"/>, offset + length) as the image
    /// holds them, clipped to its records: written out into a buffer kept for the next call
    /// (it grows to the longest range asked for, a record or two), valid until then.</summary>
    public ReadOnlySpan<byte> Bytes(long offset, int length)
    {
        long end = Math.Min(offset + length, (long)Count * RecordSize);
        if (offset >= end) return ReadOnlySpan<byte>.Empty;
        int first = (int)(offset / RecordSize), records = (int)((end - 1) / RecordSize) - first + 1;
        if (_bytes.Length < records * RecordSize) _bytes = new byte[records * RecordSize];
        for (int k = 0; k < records; k++) CopyRecord(first + k, _bytes.AsSpan(k * RecordSize, RecordSize));
        return _bytes.AsSpan((int)(offset - (long)first * RecordSize), (int)(end - offset));
    }

    public static ReadOnlySpan<byte> KeyOf(ReadOnlySpan<byte> record) => UntilNul(record.Slice(KvpLayout.PoolRecordKey, KeyField));

    public static ReadOnlySpan<byte> ValueOf(ReadOnlySpan<byte> record) => UntilNul(record.Slice(KvpLayout.PoolRecordValue, ValueField));

    /// <summary>Index of the first record whose key equals <paramref name="key"/> (no NUL), or -1.</summary>
    public int Find(ReadOnlySpan<byte> key) => _index.Find(this, key);

    /// <summary>A full value field: <paramref name="value"/>, NUL, zeros.</summary>
    public static void FormatValueField(ReadOnlySpan<byte> value, Span<byte> field)
    {
        field.Clear();
        value.CopyTo(field);
    }

    /// <summary>A full record: key field then value field, both zero-filled after the string.</summary>
    public static void FormatRecord(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value, Span<byte> record)
    {
        record.Clear();
        key.CopyTo(record[KvpLayout.PoolRecordKey..]);
        value.CopyTo(record[KvpLayout.PoolRecordValue..]);
    }

    /// <summary>Record i's value field became <paramref name="field"/> (as from <see cref="FormatValueField"/>).</summary>
    public void SetValueField(int i, ReadOnlySpan<byte> field)
    {
        ref Entry e = ref _entries[i];
        if (e.Raw)
        {
            field.CopyTo(_arena.AsSpan(e.Offset + KvpLayout.PoolRecordValue, ValueField));
            return;
        }
        ReadOnlySpan<byte> value = UntilNul(field);
        if (value.Length <= e.ValueLength)
        {
            value.CopyTo(_arena.AsSpan(e.Offset + e.KeyLength));
            _garbage += e.ValueLength - value.Length;
            e.ValueLength = (short)value.Length;
            return;
        }
        int keyLength = e.KeyLength;
        int at = Reserve(keyLength + value.Length);   // may move the arena: copy the key after
        Entry moved = _entries[i];
        _arena.AsSpan(moved.Offset, keyLength).CopyTo(_arena.AsSpan(at));
        value.CopyTo(_arena.AsSpan(at + keyLength));
        _garbage += moved.KeyLength + moved.ValueLength;
        _entries[i] = new Entry { Offset = at, KeyLength = (short)keyLength, ValueLength = (short)value.Length };
    }

    public void Append(ReadOnlySpan<byte> record)
    {
        Add(record);
        _index.TryAdd(this, Key(Count - 1), Count - 1);
    }

    /// <summary>Removes record <paramref name="i"/>: the last record takes its place, as
    /// <see cref="KvpPool.Delete"/> writes the file. O(1) unless some key is held twice.</summary>
    public void RemoveAt(int i)
    {
        Entry e = _entries[i];
        int last = Count - 1;
        _garbage += e.Raw ? RecordSize : e.KeyLength + e.ValueLength;
        if (_index.HasDuplicates)
        {
            // Which duplicate a key finds depends on the order, which just changed.
            _entries[i] = _entries[last];
            Count--;
            _index.Rebuild(this, Count);
            return;
        }
        _index.Remove(Key(i), i);
        if (i != last)
        {
            _index.Move(Key(last), last, i);
            _entries[i] = _entries[last];
        }
        Count--;
    }

    /// <summary>Where <paramref name="field"/> (a value field from <see cref="FormatValueField"/>
    /// holding a value of <paramref name="newLength"/> bytes) differs from record i's value
    /// field as the file holds it: bytes [from, to) of the field; from == to when equal.</summary>
    public void ChangedRange(int i, ReadOnlySpan<byte> field, int newLength, out int from, out int to)
    {
        Entry e = _entries[i];
        // Beyond its string a compact record's field is zeros in the file, as is the new one's.
        ReadOnlySpan<byte> old = e.Raw ? _arena.AsSpan(e.Offset + KvpLayout.PoolRecordValue, ValueField)
                                       : _arena.AsSpan(e.Offset + e.KeyLength, e.ValueLength);
        int end = Math.Max(old.Length, newLength);
        from = old.CommonPrefixLength(field[..old.Length]);
        if (from == old.Length)
        {
            int extra = field[old.Length..end].IndexOfAnyExcept((byte)0);
            from = extra < 0 ? end : old.Length + extra;
        }
        to = end;
        while (to > from && (to - 1 < old.Length ? old[to - 1] : (byte)0) == field[to - 1]) to--;
    }

    void Add(ReadOnlySpan<byte> record)
    {
        if (Count == _entries.Length) Array.Resize(ref _entries, _entries.Length * 2);
        ReadOnlySpan<byte> key = KeyOf(record), value = ValueOf(record);
        bool clean = record.Slice(key.Length, KeyField - key.Length).IndexOfAnyExcept((byte)0) < 0
                     && record.Slice(KeyField + value.Length, ValueField - value.Length).IndexOfAnyExcept((byte)0) < 0;
        if (!clean)
        {
            int raw = Reserve(RecordSize);
            record.CopyTo(_arena.AsSpan(raw));
            _entries[Count++] = new Entry { Offset = raw, Raw = true };
            return;
        }
        int at = Reserve(key.Length + value.Length);
        key.CopyTo(_arena.AsSpan(at));
        value.CopyTo(_arena.AsSpan(at + key.Length));
        _entries[Count++] = new Entry { Offset = at, KeyLength = (short)key.Length, ValueLength = (short)value.Length };
    }

    /// <summary>Room for <paramref name="bytes"/> at the arena's end. When the arena is full,
    /// first drops what updates and deletes left behind, then grows (doubling) if still short.</summary>
    int Reserve(int bytes)
    {
        if (_arenaUsed + bytes <= _arena.Length) return Take(bytes);
        if (_garbage > 0) Compact(bytes);
        if (_arenaUsed + bytes > _arena.Length)
            Array.Resize(ref _arena, Math.Max(_arena.Length * 2, _arenaUsed + bytes));
        return Take(bytes);
    }

    int Take(int bytes)
    {
        int at = _arenaUsed;
        _arenaUsed += bytes;
        return at;
    }

    /// <summary>Copies the live bytes, in record order, into the spare arena and swaps the two.</summary>
    void Compact(int extra)
    {
        int live = _arenaUsed - _garbage;
        if (_spare.Length < live + extra) _spare = new byte[Math.Max(_arena.Length, live + extra)];
        int used = 0;
        for (int i = 0; i < Count; i++)
        {
            ref Entry e = ref _entries[i];
            int length = e.Raw ? RecordSize : e.KeyLength + e.ValueLength;
            _arena.AsSpan(e.Offset, length).CopyTo(_spare.AsSpan(used));
            e.Offset = used;
            used += length;
        }
        (_arena, _spare) = (_spare, _arena);
        _arenaUsed = used;
        _garbage = 0;
    }

    static ReadOnlySpan<byte> UntilNul(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        return nul < 0 ? field : field[..nul];
    }
}
