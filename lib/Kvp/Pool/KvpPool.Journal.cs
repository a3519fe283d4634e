using System;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Pool;

/// <summary>Changing the file crash-safely through <see cref="PoolJournal"/>, and finishing a
/// change someone else was killed in the middle of (docs/kvp.md, "Durability").</summary>
internal sealed partial class KvpPool
{
    /// <summary>fdatasync the journal before and the pool after each change (kvp.conf
    /// sync-pool-writes): an acknowledged change then also survives a power cut.</summary>
    public bool SyncWrites { get; set; }

    bool _journalFullLogged;

    /// <summary>Writes <paramref name="bytes"/> at <paramref name="offset"/> and makes the file
    /// <paramref name="newSize"/> bytes long, journalled first. False when logged as failed.</summary>
    bool Change(ReadOnlySpan<byte> bytes, long offset, long newSize, string op)
    {
        if (!_file.Writable)
        {
            WriteFailed(op, SysResult.Fail(Errno.EROFS));
            return false;
        }
        SysResult r = _journal.Record(offset, _size, newSize, bytes, SyncWrites);
        bool journalled = r.Ok;
        if (!journalled)
        {
            _journal.Clear();   // overwrites 4 bytes in place: needs no space
            if (!CanGoWithoutJournal(r.Error))
            {
                _log.Err($"Failed to write file, pool: {Number}; {_journal.Path}: error: {Errno.Describe(r.Error)} ({op} answered as failed)");
                return false;
            }
            // A full disk, or a journal this process may not write (a pool made writable for a
            // group, the journal left 0600 by root), must not stop the change: write in place,
            // as upstream always does, and say so once.
            if (!_journalFullLogged)
                _log.Warning($"pool: {Number}: cannot write {_journal.Path} ({Errno.Describe(r.Error)}); changing {_file.Path} without crash protection");
            _journalFullLogged = true;
        }
        long oldSize = _size;
        r = Apply(offset, newSize, bytes, _size);
        if (r.Ok && SyncWrites) r = _file.Fdatasync();
        if (!r.Ok)
        {
            WriteFailed(op, r);
            // Put back what the image still holds; then the entry must not be finished later.
            if (Rollback(offset, bytes.Length, oldSize).Ok) _journal.Clear();
            return false;
        }
        if (journalled) _journalFullLogged = false;
        // Should clearing fail, the next locker re-applies the entry: the same bytes again.
        _journal.Clear();
        return true;
    }

    static bool CanGoWithoutJournal(Errno errno) =>
        errno is Errno.ENOSPC or Errno.EDQUOT or Errno.EACCES or Errno.EPERM or Errno.EROFS;

    SysResult Apply(long offset, long newSize, ReadOnlySpan<byte> bytes, long size)
    {
        SysResult r = bytes.Length > 0 ? _file.WriteAt(bytes, offset) : SysResult.Success();
        if (r.Ok && Math.Max(size, offset + bytes.Length) != newSize) r = _file.Truncate(newSize);
        return r;
    }

    // bytes may be the image's own buffer (a DELETE's tail): it is not needed any more here.
    SysResult Rollback(long offset, int length, long oldSize)
    {
        ReadOnlySpan<byte> old = _image.Bytes(offset, length);
        SysResult r = old.Length > 0 ? _file.WriteAt(old, offset) : SysResult.Success();
        return r.Ok ? _file.Truncate(oldSize) : r;
    }

    /// <summary>Under the locks: a pending journal entry means its writer died between journal
    /// and clear. Finish it if the file is still in a state that change passes through.</summary>
    /// <returns>True when an entry was pending (the file may have changed).</returns>
    bool Recover()
    {
        if (!_file.Writable || !_journal.Pending(out bool pending).Ok || !pending) return false;
        SysResult r = _journal.Read(out PoolChange? entry);
        if (!r.Ok)
        {
            _log.Err($"pool: {Number}: cannot read {_journal.Path}: error: {Errno.Describe(r.Error)}; left as it is");
            return true;
        }
        _trusted = false;
        if (entry is not PoolChange c)
        {
            // Torn while being written: the pool was not touched yet.
            _journal.Clear();
            _log.Warning($"pool: {Number}: discarded the incomplete entry of {_journal.Path} (its writer stopped before changing the pool)");
            return true;
        }
        if (!_file.Stamp(out FileStamp now).Ok) return true;
        long low = Math.Min(c.OldSize, c.NewSize);
        long high = Math.Max(Math.Max(c.OldSize, c.NewSize), c.Offset + c.Bytes.Length);
        if (now.Size < low || now.Size > high)
        {
            _journal.Clear();
            _log.Warning($"pool: {Number}: discarded the entry of {_journal.Path}: {_file.Path} is {now.Size} bytes, changed by another program since its writer stopped");
            return true;
        }
        r = Apply(c.Offset, c.NewSize, c.Bytes, now.Size);
        if (r.Ok && SyncWrites) r = _file.Fdatasync();
        if (!r.Ok)
        {
            _log.Err($"pool: {Number}: cannot finish the change in {_journal.Path}: error: {Errno.Describe(r.Error)}");
            return true;
        }
        _journal.Clear();
        _log.Warning($"pool: {Number}: finished a change to {_file.Path} whose writer stopped half-way (from {_journal.Path})");
        return true;
    }
}
