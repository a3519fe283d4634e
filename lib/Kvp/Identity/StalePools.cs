using System;
using System.IO;
using HvDaemons.Kvp.Pool;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Identity;

/// <summary>
/// Opt-in reset of host data a captured image carried over from the VM it was captured on:
/// when this VM's identity differs from the one recorded beside the pools, pools 0 (host data)
/// and 3 (host facts such as VirtualMachineName) are emptied, since they describe the old VM.
/// Safe because the host pushes its items again after registration. Nothing else is touched:
/// pools 1, 2 and 4 are the guest's own.
/// </summary>
internal sealed class StalePools
{
    public const string RecordName = ".kvp_identity";

    readonly string _sysfs;
    readonly string _record;
    readonly Logger _log;
    bool _done;

    public StalePools(KvpPaths paths, Logger log)
    {
        _sysfs = paths.Sysfs;
        _record = Path.Combine(paths.PoolDirectory, RecordName);
        _log = log;
    }

    /// <summary>Runs once per daemon start, at the first registration.</summary>
    public void Check(KvpPool external, KvpPool autoExternal)
    {
        if (_done) return;
        _done = true;
        string? id = VmIdentity.Read(_sysfs, out string? problem);
        if (id is null)
        {
            _log.Err($"cannot read this VM's identity ({problem}); pools 0 and 3 kept");
            return;
        }
        if (!ReadRecord(out string? recorded)) return;
        if (recorded == id) return;
        if (recorded is null)
        {
            // No record: an upgrade or a first boot. Without an earlier identity we cannot tell
            // stale data from this VM's own, so nothing is removed.
            if (Record(id))
                _log.Info($"recorded this VM's identity {id} in {_record}; pools 0 and 3 kept (no earlier identity to compare)");
            return;
        }
        if (external.Truncate() != PoolResult.Ok || autoExternal.Truncate() != PoolResult.Ok) return; // logged by the pool; retried next start
        if (Record(id))
            _log.Info($"VM identity changed from {recorded} to {id}: emptied pools 0 and 3 (the previous VM's host data; the host sends its items again)");
    }

    /// <summary>The recorded identity, null when there is none; false (logged) when unreadable.</summary>
    bool ReadRecord(out string? recorded)
    {
        recorded = null;
        try
        {
            recorded = File.ReadAllText(_record).Trim();
            return true;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return true; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Err($"cannot read {_record}: {e.Message}; pools 0 and 3 kept");
            return false;
        }
    }

    /// <summary>Writes the record whole or not at all: a temporary file, fsynced, renamed over.</summary>
    bool Record(string id)
    {
        string temp = _record + ".tmp";
        SysResult r = Posix.Open(temp, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC | Posix.O_CLOEXEC, 0x1A4, out FileDescriptor fd);
        using (fd)
        {
            if (r.Ok) r = Posix.Write(fd, System.Text.Encoding.ASCII.GetBytes(id + "\n"));
            if (r.Ok) r = Posix.Fsync(fd);
        }
        try
        {
            if (r.Ok)
            {
                File.Move(temp, _record, overwrite: true);
                return true;
            }
            _log.Err($"cannot record this VM's identity in {temp}: {Errno.Describe(r.Error)}");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            _log.Err($"cannot record this VM's identity in {_record}: {e.Message}");
        }
        Posix.Unlink(temp);
        return false;
    }
}
