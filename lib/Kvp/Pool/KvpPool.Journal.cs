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
        var change = new PoolChange(offset, _size, newSize, bytes.ToArray());
        SysResult r = _journal.Record(change, SyncWrites);
        bool journalled = r.Ok;
        if (!journalled)
        {
            _journal.Clear();   // overwrites 4 bytes in place: needs no space
            if (r.Error != Errno.ENOSPC && r.Error != Errno.EDQUOT)
            {
                _log.Err($"Failed to write file, pool: {Number}; {_journal.Path}: error: {Errno.Describe(r.Error)} ({op} answered as failed)");
                return false;
            }
            // A full disk must not stop changes that need no new space in the pool (an update
            // in place, a DELETE): write without the journal, as upstream always does.
            if (!_journalFullLogged)
                _log.Warning($"pool: {Number}: no space for {_journal.Path}; changing {_file.Path} without crash protection while the disk is full");
            _journalFullLogged = true;
        }
        r = Apply(change, _size);
        if (r.Ok && SyncWrites) r = _file.Fdatasync();
        if (!r.Ok)
        {
            WriteFailed(op, r);
            // Put back what the image still holds; then the entry must not be finished later.
            if (Rollback(change).Ok) _journal.Clear();
            return false;
        }
        if (journalled) _journalFullLogged = false;
        // Should clearing fail, the next locker re-applies the entry: the same bytes again.
        _journal.Clear();
        return true;
    }

    SysResult Apply(in PoolChange c, long size)
    {
        SysResult r = c.Bytes.Length > 0 ? _file.WriteAt(c.Bytes, c.Offset) : SysResult.Success();
        if (r.Ok && Math.Max(size, c.Offset + c.Bytes.Length) != c.NewSize) r = _file.Truncate(c.NewSize);
        return r;
    }

    SysResult Rollback(in PoolChange c)
    {
        ReadOnlySpan<byte> old = _image.Bytes(c.Offset, c.Bytes.Length);
        SysResult r = old.Length > 0 ? _file.WriteAt(old, c.Offset) : SysResult.Success();
        return r.Ok ? _file.Truncate(c.OldSize) : r;
    }

    /// <summary>Under the locks: a pending journal entry means its writer died between journal
    /// and clear. Finish it if the file is still in a state that change passes through.</summary>
    void Recover()
    {
        if (!_file.Writable || !_journal.Pending(out bool pending).Ok || !pending) return;
        SysResult r = _journal.Read(out PoolChange? entry);
        if (!r.Ok)
        {
            _log.Err($"pool: {Number}: cannot read {_journal.Path}: error: {Errno.Describe(r.Error)}; left as it is");
            return;
        }
        _trusted = false;
        if (entry is not PoolChange c)
        {
            // Torn while being written: the pool was not touched yet.
            _journal.Clear();
            _log.Warning($"pool: {Number}: discarded the incomplete entry of {_journal.Path} (its writer stopped before changing the pool)");
            return;
        }
        if (!_file.Stamp(out FileStamp now).Ok) return;
        long low = Math.Min(c.OldSize, c.NewSize);
        long high = Math.Max(Math.Max(c.OldSize, c.NewSize), c.Offset + c.Bytes.Length);
        if (now.Size < low || now.Size > high)
        {
            _journal.Clear();
            _log.Warning($"pool: {Number}: discarded the entry of {_journal.Path}: {_file.Path} is {now.Size} bytes, changed by another program since its writer stopped");
            return;
        }
        r = Apply(c, now.Size);
        if (r.Ok && SyncWrites) r = _file.Fdatasync();
        if (!r.Ok)
        {
            _log.Err($"pool: {Number}: cannot finish the change in {_journal.Path}: error: {Errno.Describe(r.Error)}");
            return;
        }
        _journal.Clear();
        _log.Warning($"pool: {Number}: finished a change to {_file.Path} whose writer stopped half-way (from {_journal.Path})");
    }
}
