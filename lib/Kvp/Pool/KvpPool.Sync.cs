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
    long _size;
    FileStamp _partialLogged;

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
            Recover();
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
        SysResult byName = FileOps.Stat(_file.Path, out FileStamp named, out _);
        if (!byName.Ok || !named.SameFile(now)) return Freshness.Replaced;
        if (_trusted && now == _stamp) return Freshness.Current;
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
        Span<byte> buffer = _image.Reserve(whole * R);
        SysResult r = _file.ReadAll(buffer);
        if (!r.Ok)
        {
            _log.Err($"Failed to read file, pool: {Number}; error: {Errno.Describe(r.Error)} ({op} answered as failed)");
            _image.Clear();
            _trusted = false;
            return false;
        }
        _image.Commit((int)(r.Value / R));
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
    /// so our own writes stay cached without the racy-window penalty.
    /// </summary>
    void Written()
    {
        long ticks = DateTime.UtcNow.Ticks - DateTime.UnixEpoch.Ticks;
        long sec = ticks / TimeSpan.TicksPerSecond;
        long nsec = ticks % TimeSpan.TicksPerSecond * 100 + 1;
        bool stamped = _file.SetMtime(sec, nsec).Ok;
        if (!_file.Stamp(out FileStamp now).Ok)
        {
            _trusted = false;
            return;
        }
        _stamp = now;
        _size = now.Size;
        _trusted = stamped && now.MtimeSec == sec && now.MtimeNsec == nsec;
    }
}
