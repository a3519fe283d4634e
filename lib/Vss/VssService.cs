using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Vss.Config;
using HvDaemons.Vss.Hooks;
using HvDaemons.Wire;

namespace HvDaemons.Vss;

/// <summary>
/// VSS request dispatch (docs/protocol.md §5.2) over the freeze engine, plus what upstream lacks:
/// whatever this process froze is thawed on shutdown, on reopen, after a crash and by a
/// watchdog when no THAW comes in time (<see cref="VssSettings"/>); what it may hold frozen is
/// kept in a <see cref="FrozenRecord"/> for the next instance; and nothing is written to local
/// files while frozen. vss.conf chooses what is frozen and may refuse backups (strict); hooks
/// pause applications.
/// </summary>
public sealed class VssService : IServiceHandler
{
    readonly VssPaths _paths;
    readonly Logger _log;
    readonly VssSettings _settings;
    readonly Freezer _freezer;
    readonly LoopDetector _loops;
    readonly Func<long> _nowMs;
    readonly FrozenRecord? _record;
    readonly VssConfig _config;
    readonly FreezeHooks _hooks;
    long _thawDueAt;       // watchdog deadline, valid while _freezer holds something
    bool _thawFailed;      // a thaw failed; retry on the timer
    bool _thawHooksDue;    // everything thawed: thaw hooks run from the timer, after the reply went out

    public VssService(VssPaths paths, Logger log, VssSettings? settings = null, IFreezeOps? ops = null,
                      DeviceLookup? lookup = null, Func<long>? nowMs = null, FrozenRecord? record = null,
                      VssConfig? config = null, FreezeHooks? hooks = null)
    {
        _paths = paths;
        _log = log;
        _settings = settings ?? VssSettings.Default;
        _freezer = new Freezer(ops ?? new KernelFreezeOps());
        _loops = new LoopDetector(paths.SysDevBlock, log, lookup);
        _nowMs = nowMs ?? (() => Environment.TickCount64);
        _record = record;
        _config = config ?? VssConfig.Defaults();
        _hooks = hooks ?? new FreezeHooks(new HookDirectory(_config.HookDirectory, log), new ProcessHookRunner(),
                                          _config.HookTimeoutMs, log);
    }

    public int MaxMessageSize => VssLayout.MessageSize;

    public VssPaths Paths => _paths;

    /// <summary>Filesystems this process holds frozen.</summary>
    public int FrozenCount => _freezer.HeldCount;

    public void OnRegistered(string version) => _log.Info("VSS: kernel module version: " + version);

    public string? Status => FrozenCount switch
    {
        0 => null,
        1 => "frozen: 1 filesystem",
        int n => "frozen: " + n + " filesystems",
    };

    public int Handle(Span<byte> buffer, int length)
    {
        Span<byte> message = buffer[..VssLayout.MessageSize];
        if (length != VssLayout.MessageSize)
        {
            // The kernel only sends 12 bytes; a short read leaves stale bytes behind.
            _log.Err("VSS: request of " + length + " bytes, expected " + VssLayout.MessageSize);
            message[Math.Clamp(length, 0, VssLayout.MessageSize)..].Clear();
        }
        byte op = message[VssLayout.Operation];
        bool ok = true;
        switch (op)
        {
            case VssOp.Freeze:
                ok = Freeze();
                _log.Info("VSS: op=FREEZE: " + (ok ? "succeeded" : "failed"));
                break;
            case VssOp.Thaw:
                ok = Thaw();
                _log.Info("VSS: op=THAW: " + (ok ? "succeeded" : "failed"));
                break;
            case VssOp.HotBackup:
                _log.Info("VSS: op=CHECK HOT BACKUP");
                ok = !_config.Strict || (TryPlan(out FreezePlan? checkPlan) && StrictAllows(checkPlan));
                break;
            default:
                // Upstream answers unknown ops with success.
                _log.Err("Illegal op:" + op);
                break;
        }
        if (!ok)
        {
            _log.Err("op=" + op + " failed!");
            _log.Err("report it with these files:");
            _log.Err("/etc/fstab and /proc/mounts");
        }
        BinaryPrimitives.WriteUInt32LittleEndian(message[VssLayout.Error..], ok ? HvStatus.S_OK : HvStatus.E_FAIL);
        return VssLayout.MessageSize;
    }

    bool Freeze()
    {
        RunDueThawHooks();
        if (!TryPlan(out FreezePlan? plan)) return false;
        if (_config.Strict && !StrictAllows(plan)) return false;
        if (!_hooks.RunFreeze()) return false;
        // Said before the first FIFREEZE, while any write is still harmless.
        if (plan.Unfrozen.Count > 0)
            _log.Info("VSS: not frozen (writable, cannot be frozen): " + string.Join(", ", plan.Unfrozen));
        // Written only while nothing is held: the record's own filesystem might be frozen then.
        if (_freezer.HeldCount == 0) _record?.Save(plan.MountPoints);
        _log.DeferLocalOutput = true;
        FreezeOutcome outcome = _freezer.Freeze(plan.MountPoints);
        if (outcome.Ok)
        {
            _thawDueAt = _nowMs() + _settings.FreezeTimeoutMs;
            _thawFailed = false;
            return true;
        }
        AfterThaw(outcome.Rollback);
        // Logged only now, after the thaw, as upstream does.
        _log.Err("FREEZE of " + outcome.FailedMountPoint + " failed; error:" + Errno.Describe(outcome.Errno));
        return false;
    }

    bool Thaw()
    {
        bool planned = TryPlan(out FreezePlan? plan);
        ThawOutcome outcome = _freezer.ThawAll(planned ? plan!.MountPoints : Array.Empty<string>());
        AfterThaw(outcome);
        return planned && outcome.Ok;
    }

    bool TryPlan(out FreezePlan plan)
    {
        plan = null!;
        if (!MountTable.TryRead(_paths.ProcMounts, out List<MountEntry> mounts, out string error))
        {
            _log.Err("VSS: cannot read " + _paths.ProcMounts + ": " + error);
            return false;
        }
        plan = FreezePlan.Build(mounts, _loops, _config.Selects, "left out by " + _config.Source);
        return true;
    }

    bool StrictAllows(FreezePlan plan)
    {
        List<UnfrozenMount> offenders = StrictCheck.Offenders(plan);
        if (offenders.Count == 0) return true;
        _log.Err("VSS: strict mode: writable but cannot be frozen: " + string.Join(", ", offenders)
                 + "; exclude it in " + _config.Source + " or set strict = no");
        return false;
    }

    /// <summary>Common tail of every thaw: logs a failure, and once nothing is held ends the
    /// no-local-writes period and schedules the thaw hooks. They run from the timer, once the
    /// reply is sent: the kernel gives a THAW only 30 s, hooks may take longer.</summary>
    void AfterThaw(ThawOutcome outcome)
    {
        _thawFailed = !outcome.Ok && _freezer.HeldCount > 0;
        if (_freezer.HeldCount == 0)
        {
            _log.DeferLocalOutput = false;
            _record?.Clear();
            _thawHooksDue = _hooks.Pending > 0;
        }
        if (!outcome.Ok)
            _log.Err("THAW of " + outcome.FailedMountPoint + " failed; error:" + Errno.Describe(outcome.Errno));
    }

    public void OnReset(ResetReason reason)
    {
        if (_freezer.HeldCount == 0)
        {
            if (reason != ResetReason.Crash) RunDueThawHooks(force: true);
            return;
        }
        ThawOutcome outcome = _freezer.ThawHeld();
        // A thaw that fails on the way out is retried a few times: exiting leaves it frozen for good.
        for (int attempt = 0; reason != ResetReason.Reopen && !outcome.Ok && attempt < 3; attempt++)
        {
            int thawed = outcome.Thawed;
            outcome = _freezer.ThawHeld();
            outcome = outcome with { Thawed = outcome.Thawed + thawed };
        }
        AfterThaw(outcome);
        if (!outcome.Ok)
        {
            _log.Err("failed to thaw file system: err=" + (int)outcome.Errno);
            return;
        }
        _log.Info("VSS: thawed " + outcome.Thawed + " file system(s) before "
                  + (reason == ResetReason.Reopen ? "reopening the device" : "exit"));
        // A crash thaws and does nothing else: no processes are started from a failing daemon.
        if (reason != ResetReason.Crash) RunDueThawHooks();
    }

    /// <summary>Thaw hooks that are due; with <paramref name="force"/> also those of a FREEZE that
    /// froze nothing (no THAW came). Never while anything is held frozen.</summary>
    void RunDueThawHooks(bool force = false)
    {
        if (!(_thawHooksDue || force) || _freezer.HeldCount > 0) return;
        _thawHooksDue = false;
        _hooks.RunThaw();
    }

    public int TimerDueMs()
    {
        if (_thawHooksDue) return 0;
        if (_freezer.HeldCount == 0 && _hooks.Pending == 0) return -1;
        if (_thawFailed) return _settings.ThawRetryMs;
        return (int)Math.Clamp(_thawDueAt - _nowMs(), 0, int.MaxValue);
    }

    public void OnTimer()
    {
        if (_thawHooksDue)
        {
            RunDueThawHooks();
            return;
        }
        if (_freezer.HeldCount == 0 && _hooks.Pending == 0) return;
        if (!_thawFailed && _nowMs() < _thawDueAt) return;
        bool retry = _thawFailed;
        ThawOutcome outcome = _freezer.ThawHeld();
        AfterThaw(outcome);
        if (!outcome.Ok)
        {
            _log.Err("failed to thaw file system: err=" + (int)outcome.Errno);
            return;
        }
        if (retry)
            _log.Info("VSS: thawed " + outcome.Thawed + " file system(s) on retry");
        else
            _log.Warning("VSS: no THAW within " + _settings.FreezeTimeoutMs / 1000.0 + " s of FREEZE; watchdog thawed "
                         + outcome.Thawed + " file system(s)");
        RunDueThawHooks();
    }
}
