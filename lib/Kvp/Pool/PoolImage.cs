using System;
using System.Collections.Generic;
using System.Text;
using HvDaemons.Wire;

namespace HvDaemons.Kvp.Pool;

/// <summary>
/// The records of one pool file exactly as stored (2560 bytes each, file order), plus an index
/// from key to the first record holding it, so a lookup costs O(1) instead of a scan.
/// Pure memory: <see cref="KvpPool"/> decides when it mirrors the file.
/// </summary>
internal sealed class PoolImage
{
    public const int RecordSize = KvpLayout.PoolRecordSize;
    public const int KeyField = KvpLayout.MaxKeySize;
    public const int ValueField = KvpLayout.MaxValueSize;

    byte[] _data = Array.Empty<byte>();
    readonly Dictionary<string, int> _index = new(StringComparer.Ordinal);

    public int Count { get; private set; }

    /// <summary>A buffer of at least <paramref name="bytes"/> to read the file into; follow with <see cref="Commit"/>.</summary>
    public Span<byte> Reserve(int bytes)
    {
        Grow(bytes);
        return _data.AsSpan(0, bytes);
    }

    /// <summary>Adopts the first <paramref name="count"/> records of the reserved buffer.</summary>
    public void Commit(int count)
    {
        Count = count;
        RebuildIndex();
    }

    public void Clear() => Commit(0);

    public ReadOnlySpan<byte> Record(int i) => _data.AsSpan(i * RecordSize, RecordSize);

    /// <summary>Records <paramref name="first"/>.. end, contiguous as in the file.</summary>
    public ReadOnlySpan<byte> Tail(int first) => _data.AsSpan(first * RecordSize, (Count - first) * RecordSize);

    /// <summary>The image's bytes in [<paramref name="offset"/>, offset + length), clipped to its records.</summary>
    public ReadOnlySpan<byte> Bytes(long offset, int length)
    {
        long end = Math.Min(offset + length, (long)Count * RecordSize);
        return offset >= end ? ReadOnlySpan<byte>.Empty : _data.AsSpan((int)offset, (int)(end - offset));
    }

    public static ReadOnlySpan<byte> KeyOf(ReadOnlySpan<byte> record) => UntilNul(record.Slice(KvpLayout.PoolRecordKey, KeyField));

    public static ReadOnlySpan<byte> ValueOf(ReadOnlySpan<byte> record) => UntilNul(record.Slice(KvpLayout.PoolRecordValue, ValueField));

    /// <summary>Index of the first record whose key equals <paramref name="key"/> (no NUL), or -1.</summary>
    public int Find(ReadOnlySpan<byte> key) => _index.TryGetValue(IndexKey(key), out int i) ? i : -1;

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

    public void SetValueField(int i, ReadOnlySpan<byte> field)
        => field.CopyTo(_data.AsSpan(i * RecordSize + KvpLayout.PoolRecordValue, ValueField));

    public void Append(ReadOnlySpan<byte> record)
    {
        Grow((Count + 1) * RecordSize);
        record.CopyTo(_data.AsSpan(Count * RecordSize, RecordSize));
        _index.TryAdd(IndexKey(KeyOf(record)), Count);
        Count++;
    }

    /// <summary>Removes record <paramref name="i"/>, moving later ones up (file order kept).</summary>
    public void RemoveAt(int i)
    {
        int next = (i + 1) * RecordSize;
        Buffer.BlockCopy(_data, next, _data, i * RecordSize, Count * RecordSize - next);
        Count--;
        // Indices after i shift, and a later duplicate of the removed key becomes the visible one.
        RebuildIndex();
    }

    void RebuildIndex()
    {
        _index.Clear();
        for (int i = 0; i < Count; i++) _index.TryAdd(IndexKey(KeyOf(Record(i))), i);
    }

    void Grow(int bytes)
    {
        if (_data.Length >= bytes) return;
        int size = Math.Max(bytes, Math.Min(Array.MaxLength, Math.Max(_data.Length * 2, 64 * RecordSize)));
        Array.Resize(ref _data, size);
    }

    // Latin-1 maps every byte to one char, so keys compare byte for byte, like upstream's memcmp.
    static string IndexKey(ReadOnlySpan<byte> key) => Encoding.Latin1.GetString(key);

    static ReadOnlySpan<byte> UntilNul(ReadOnlySpan<byte> field)
    {
        int nul = field.IndexOf((byte)0);
        return nul < 0 ? field : field[..nul];
    }
}
