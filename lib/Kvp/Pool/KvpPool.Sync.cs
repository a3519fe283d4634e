using System;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Pool;

/// <summary>Keeping the image equal to the file: open, lock, detect change, reload, write.</summary>
internal sealed partial class KvpPool
{
    // A stamp younger than this may still change without its mtime moving: two writes within
    // one tick of the kernel's coarse clock (<= 10 ms at HZ=100), or, where the filesystem keeps
    // whole seconds (nanoseconds read as 0), within one to two seconds. Such a stamp is not trusted.
    const long RacyWindowNs = 50_000_000;
    const long CoarseFsRacyWindowNs = 2_000_000_000;

    FileStamp _stamp;
    bool _trusted;
    FileStamp _partialLogged;
    // After our own write: the latest ctime (ns) the kernel can have given the file, else 0.
    long _ctimeAtMostNs;

    /// <summary>Readable once the daemon must stop: a lock wait ends at once. -1 for none.</summary>
    public int StopFd { get; set; } = -1;

    /// <summary>Longest wait for another program's lock before the operation fails.</summary>
    public int LockTimeoutMs { get; set; } = LockWait.DefaultTimeoutMs;

    PoolResult Begin(string op)
    {
        for (int attempt = 0; attempt < 3; attempt++)
        {
            SysResult r = _file.Open();
            if (!r.Ok)
            {
                _log.Err($"Failed to open file, pool: {Number}; error: {Errno.Describe(r.Error)} ({op} answered as failed)");
                return PoolResult.Failed;
            }
            PoolResult locked = Lock(op);
            if (locked != PoolResult.Ok) return locked;
            switch (Refresh(op))
            {
                case Freshness.Current:
                    return PoolResult.Ok;
                case Freshness.Failed:
                    End();
                    return PoolResult.Failed;
                case Freshness.Replaced:
                    // Someone renamed a new file over ours: our lock guards the old inode. Follow the name.
                    End();
                    _file.Close();
                    _trusted = false;
                    break;
            }
        }
        _log.Err($"pool: {Number}: {_file.Path} keeps being replaced; {op} answered as failed");
        return PoolResult.Failed;
    }

    PoolResult Lock(string op)
    {
        // Uncontended, the usual case: the wait's first try, without the delegates it needs.
        return _file.TryLock(out _).Ok ? PoolResult.Ok : WaitForLock(op);
    }

    PoolResult WaitForLock(string op)
    {
        string busy = "flock";
        LockOutcome outcome = LockWait.Run(() => _file.TryLock(out busy), LockTimeoutMs,
                                           ms => StopWait.Sleep(ms, StopFd), () => Environment.TickCount64,
                                           out SysResult last);
        switch (outcome)
        {
            case LockOutcome.Acquired:
                return PoolResult.Ok;
            case LockOutcome.Failed:
                _log.Err($"Failed to acquire the lock pool: {Number}; error: {Errno.Describe(last.Error)} ({op} answered as failed)");
                return PoolResult.Failed;
            case LockOutcome.Stopped:
                _log.Info($"pool: {Number}: {op} given up while another program holds the {busy} lock on {_file.Path}: stopping");
                return PoolResult.Busy;
            default:
                _log.Err($"Timed out acquiring the lock pool: {Number}; {_file.Path} {Holder(busy)} for {LockTimeoutMs / 1000.0:0.#} s ({op} answered as failed)");
                return PoolResult.Busy;
        }
    }

    /// <summary>"has its flock lock held by pid 1234", as far as /proc/locks tells.</summary>
    string Holder(string busy)
    {
        int pid = 0;
        if (_file.Stamp(out FileStamp st).Ok)
        {
            try { pid = LockHolders.Find(System.IO.File.ReadAllText(LockHolders.ProcLocks), st, busy, Posix.GetPid()); }
            catch (System.IO.IOException) { }
            catch (UnauthorizedAccessException) { }
        }
        return pid > 0 ? $"has its {busy} lock held by pid {pid}" : $"has its {busy} lock held by a process not visible in {LockHolders.ProcLocks}";
    }

    void End()
    {
        SysResult r = _file.Unlock();
        if (!r.Ok) _log.Err($"Failed to release the lock pool: {Number}; error: {Errno.Describe(r.Error)}");
    }

    enum Freshness { Current, Replaced, Failed }

    Freshness Refresh(string op)
    {
        SysResult r = _file.Stamp(out FileStamp now);
        if (!r.Ok)
        {
            _log.Err($"Failed to stat file, pool: {Number}; error: {Errno.Describe(r.Error)} ({op} answered as failed)");
            return Freshness.Failed;
        }
        // Removed, or another file renamed over ours: our inode has no name left. Only then is
        // the path looked up (the usual request makes no stat by name).
        if (now.Links == 0) return Freshness.Replaced;
        if (_trusted && (now == _stamp || IsOurWrite(now)))
        {
            _stamp = now;
            _ctimeAtMostNs = 0;
            return Freshness.Current;
        }
        _ctimeAtMostNs = 0;
        // Not known to be current: first finish a change whose writer was killed half-way. A file
        // unchanged since we last read or wrote it has no such change, so the usual request
        // makes no look at the journal.
        if (Recover() && !_file.Stamp(out now).Ok)
        {
            _log.Err($"Failed to stat file, pool: {Number}, after finishing its journal entry ({op} answered as failed)");
            return Freshness.Failed;
        }
        return Reload(now, op) ? Freshness.Current : Freshness.Failed;
    }

    bool Reload(in FileStamp now, string op)
    {
        long size = now.Size;
        if (size > int.MaxValue - R)
        {
            _log.Err($"Failed to read file, pool: {Number}; {size} bytes is too large ({op} answered as failed)");
            return false;
        }
        int whole = (int)(size / R);
        // A chunk at a time, so no buffer the size of the file is ever needed.
        _image.Clear();
        for (int read = 0; read < whole;)
        {
            Span<byte> chunk = _image.LoadBuffer(whole - read);
            SysResult r = _file.ReadAt(chunk, (long)read * R);
            if (!r.Ok)
            {
                _log.Err($"Failed to read file, pool: {Number}; error: {Errno.Describe(r.Error)} ({op} answered as failed)");
                _image.Clear();
                _trusted = false;
                return false;
            }
            _image.Loaded(chunk[..(int)r.Value]);
            read += (int)(r.Value / R);
            if (r.Value < chunk.Length) break;   // the file ended early
        }
        _image.Commit();
        Reloads++;
        if (size % R != 0 && now != _partialLogged)
        {
            _partialLogged = now;
            _log.Warning($"pool: {Number}: {_file.Path} is {size} bytes, not a multiple of {R}; " +
                         $"using its {whole} whole records and ignoring the last {size % R} bytes");
        }
        _stamp = now;
        _size = size;
        _trusted = !IsRacy(now);
        return true;
    }

    static bool IsRacy(in FileStamp stamp)
    {
        long nowNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100;
        long mtimeNs = stamp.MtimeSec * 1_000_000_000 + stamp.MtimeNsec;
        return mtimeNs > nowNs - (stamp.MtimeNsec == 0 ? CoarseFsRacyWindowNs : RacyWindowNs);
    }

    void WriteFailed(string op, SysResult r)
    {
        _log.Err($"Failed to write file, pool: {Number}; error: {Errno.Describe(r.Error)} ({op} answered as failed)");
        // Whatever reached the disk is re-read next time, so memory follows the file.
        _trusted = false;
    }

    /// <summary>
    /// After our own write: stamp the file with a precise mtime. A later writer's kernel
    /// timestamp comes from the coarse clock and will differ from ours even within one tick,
    /// so our own writes stay cached without the racy-window penalty. The file's new stamp is
    /// known without an fstat except its ctime, which the kernel set during the call: the next
    /// <see cref="Refresh"/> takes it from its own fstat if it is no later than the clock read
    /// just after the call (a change by anyone after us would be later, or move the mtime).
    /// </summary>
    void Written(long size)
    {
        long ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
        long sec = ticks / TimeSpan.TicksPerSecond;
        long nsec = ticks % TimeSpan.TicksPerSecond * 100 + 1;
        if (!_file.SetMtime(sec, nsec).Ok)
        {
            _trusted = false;
            return;
        }
        // 1 µs past the clock: its 100 ns ticks truncate what a fine-grained ctime may show.
        _ctimeAtMostNs = (DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks) * 100 + 1000;
        _stamp = _stamp with { Size = size, MtimeSec = sec, MtimeNsec = nsec };
        _size = size;
        _trusted = true;
    }

    /// <summary>True when <paramref name="now"/> is the stamp our last own write left.</summary>
    bool IsOurWrite(in FileStamp now)
    {
        if (_ctimeAtMostNs == 0) return false;
        FileStamp expected = _stamp with { CtimeSec = now.CtimeSec, CtimeNsec = now.CtimeNsec };
        return now == expected && now.CtimeSec * 1_000_000_000 + now.CtimeNsec <= _ctimeAtMostNs;
    }
}
