using System;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Pool;

/// <summary>
/// One file-backed pool: every operation locks the file, brings the in-memory image up to date
/// (re-reading only when the file changed), acts, and writes back only the records it changed.
/// Failures are logged once per operation and leave the image matching the file.
/// </summary>
internal sealed partial class KvpPool : IDisposable
{
    const int R = PoolImage.RecordSize;

    readonly PoolFile _file;
    readonly PoolJournal _journal;
    readonly Logger _log;
    readonly PoolImage _image = new();
    readonly byte[] _scratch = new byte[R];
    // The file's length as of the last lock (a torn tail included): every part reads it, the
    // operations to place records, the journal to describe a change, Sync to notice one.
    long _size;

    public KvpPool(string directory, int number, Logger log)
    {
        Number = number;
        _file = new PoolFile(directory, number);
        _journal = new PoolJournal(directory, number);
        _log = log;
    }

    public int Number { get; }
    public string Path => _file.Path;

    /// <summary>Record count as of the last operation (for tests and the debug dump).</summary>
    public int Count => _image.Count;

    /// <summary>Times the file was (re)read into memory; tests use it to prove the cache works.</summary>
    public int Reloads { get; private set; }

    public PoolResult Get(ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        value = default;
        PoolResult begun = Begin("GET");
        if (begun != PoolResult.Ok) return begun;
        try
        {
            int i = _image.Find(key);
            if (i < 0) return PoolResult.NotFound;
            value = _image.Value(i);
            return PoolResult.Ok;
        }
        finally { End(); }
    }

    /// <summary>Record <paramref name="index"/> in file order: its key and value (to their NULs).</summary>
    public PoolResult Enumerate(uint index, out ReadOnlySpan<byte> key, out ReadOnlySpan<byte> value)
    {
        key = value = default;
        PoolResult begun = Begin("ENUMERATE");
        if (begun != PoolResult.Ok) return begun;
        try
        {
            if (index >= (uint)_image.Count) return PoolResult.NotFound;
            key = _image.Key((int)index);
            value = _image.Value((int)index);
            return PoolResult.Ok;
        }
        finally { End(); }
    }

    public PoolResult Set(ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        PoolResult begun = Begin("SET");
        if (begun != PoolResult.Ok) return begun;
        try
        {
            int i = _image.Find(key);
            if (i >= 0)
            {
                Span<byte> field = _scratch.AsSpan(0, PoolImage.ValueField);
                PoolImage.FormatValueField(value, field);
                // Only the bytes that differ are written: fewer bytes, and a short range seldom
                // crosses a page, so it seldom needs the journal (TornWrite).
                _image.ChangedRange(i, field, value.Length, out int from, out int to);
                long at = (long)i * R + Wire.KvpLayout.PoolRecordValue + from;
                if (to > from && !Change(field[from..to], at, _size, "SET")) return PoolResult.Failed;
                _image.SetValueField(i, field);
                Debug("updated", key, value);
            }
            else
            {
                Span<byte> record = _scratch.AsSpan(0, R);
                PoolImage.FormatRecord(key, value, record);
                long at = (long)_image.Count * R;
                if (!Change(record, at, at + R, "SET")) return PoolResult.Failed;
                _image.Append(record);
                Debug("added", key, value);
            }
            Written(_size);
            return PoolResult.Ok;
        }
        finally { End(); }
    }

    public PoolResult Delete(ReadOnlySpan<byte> key)
    {
        PoolResult begun = Begin("DELETE");
        if (begun != PoolResult.Ok) return begun;
        try
        {
            int i = _image.Find(key);
            if (i < 0)
            {
                if (_log.DebugEnabled)
                    _log.Debug($"kvp_key_delete: could not delete KVP: pool={Number} key={Text(key)}. Record not found");
                return PoolResult.NotFound;
            }
            if (_log.DebugEnabled)
                _log.Debug($"kvp_key_delete: deleting the KVP: pool={Number} key={Text(key)} val={Text(_image.Value(i))}");
            // The last record moves into the freed slot and the file loses its last record:
            // one record written whatever the pool's size (upstream moves every later record
            // up; the pool is a set to the host and to other programs, docs/kvp.md).
            int last = _image.Count - 1;
            ReadOnlySpan<byte> moved = ReadOnlySpan<byte>.Empty;
            if (i != last)
            {
                _image.CopyRecord(last, _scratch);
                moved = _scratch.AsSpan(0, R);
            }
            if (!Change(moved, (long)i * R, (long)last * R, "DELETE")) return PoolResult.Failed;
            _image.RemoveAt(i);
            Written(_size);
            return PoolResult.Ok;
        }
        finally { End(); }
    }

    /// <summary>Removes every record (the file stays, now empty).</summary>
    public PoolResult Truncate()
    {
        PoolResult begun = Begin("reset");
        if (begun != PoolResult.Ok) return begun;
        try
        {
            SysResult t = _file.Writable ? _file.Truncate(0) : SysResult.Fail(Errno.EROFS);
            if (!t.Ok)
            {
                WriteFailed("reset", t);
                return PoolResult.Failed;
            }
            _image.Clear();
            _size = 0;
            Written(_size);
            return PoolResult.Ok;
        }
        finally { End(); }
    }

    void Debug(string what, ReadOnlySpan<byte> key, ReadOnlySpan<byte> value)
    {
        if (_log.DebugEnabled)
            _log.Debug($"kvp_key_add_or_modify: {what}: pool={Number} key={Text(key)} val={Text(value)}");
    }

    /// <summary>Upstream's start-up dump under -d: every record of the pool.</summary>
    public void DumpForDebug()
    {
        if (!_log.DebugEnabled || Begin("load") != PoolResult.Ok) return;
        try
        {
            _log.Debug($"===Start dumping the contents of pool {Number} ===");
            for (int i = 0; i < _image.Count; i++)
            {
                _log.Debug($"pool: {Number}, {i + 1}/{_image.Count} key={Text(_image.Key(i))} val={Text(_image.Value(i))}");
            }
        }
        finally { End(); }
    }

    /// <summary>Loads the pool once (creating its file), so start-up reports problems early.
    /// Waits at most <paramref name="lockTimeoutMs"/> for a lock: registration must not wait
    /// on another program; a pool not loaded now is loaded by its first request.</summary>
    public bool Load(int lockTimeoutMs = LockWait.DefaultTimeoutMs)
    {
        int usual = LockTimeoutMs;
        LockTimeoutMs = lockTimeoutMs;
        try
        {
            if (Begin("load") != PoolResult.Ok) return false;
            End();
            return true;
        }
        finally { LockTimeoutMs = usual; }
    }

    internal static string Text(ReadOnlySpan<byte> s) => System.Text.Encoding.UTF8.GetString(s);

    public void Dispose()
    {
        _file.Dispose();
        _journal.Dispose();
    }
}
