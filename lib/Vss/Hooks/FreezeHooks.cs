using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Vss.Hooks;

/// <summary>
/// Application hooks around a freeze (hv_vss_daemon(8), docs/vss.md): each hook gets "freeze", in
/// name order, before the first FIFREEZE, and "thaw", in reverse order, after the last FITHAW.
/// Every hook that was started with "freeze" gets "thaw", also the one that failed (it may have
/// paused its application half-way). Hooks run only while nothing is frozen, so their output
/// is logged at once.
/// </summary>
public sealed class FreezeHooks(HookDirectory directory, IHookRunner runner, int timeoutMs, Logger log)
{
    const string Freeze = "freeze";
    const string Thaw = "thaw";

    readonly List<string> _started = new();

    /// <summary>Hooks that ran "freeze" and still wait for "thaw".</summary>
    public int Pending => _started.Count;

    /// <summary>Runs every hook with "freeze". On the first failure, runs "thaw" for the hooks
    /// started so far and returns false: the FREEZE must fail with nothing frozen.</summary>
    public bool RunFreeze()
    {
        // A second FREEZE without a THAW: the applications are paused already.
        if (_started.Count > 0) return true;
        foreach (string hook in directory.List())
        {
            _started.Add(hook);
            if (!RunOne(hook, Freeze))
            {
                RunThaw();
                return false;
            }
        }
        return true;
    }

    /// <summary>Runs "thaw" for every hook that ran "freeze", newest first. A failure is logged and
    /// does not stop the others: each application must be resumed.</summary>
    public void RunThaw()
    {
        for (int i = _started.Count - 1; i >= 0; i--) RunOne(_started[i], Thaw);
        _started.Clear();
    }

    bool RunOne(string hook, string phase)
    {
        string name = Path.GetFileName(hook);
        ChildResult r = runner.Run(hook, phase, timeoutMs);
        foreach (string line in r.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
            log.Info("VSS hook " + name + ": " + line.TrimEnd('\r'));
        if (r.Succeeded) return true;
        string why = r.TimedOut ? "timed out after " + timeoutMs / 1000.0 + " s and was killed" : r.Describe();
        log.Err("VSS: hook " + name + " " + phase + " failed: " + why);
        return false;
    }
}
