using System;
using System.Collections.Generic;
using System.Linq;
using Tmds.Linux;

namespace HvDaemons.HostSim.Sandboxing;

/// <summary>
/// A second daemon in the same root, e.g. after the first was SIGKILLed while a writer still
/// blocked on a frozen filesystem keeps the namespace (and the simulated device) alive.
/// </summary>
public sealed partial class FreezeRoot
{
    readonly List<NamespaceProcess> _restarted = new();
    IReadOnlyDictionary<string, string>? _environment;

    /// <summary>Starts the daemon again inside the root, through the guard exactly as at launch
    /// (mount check first, then exec), with the launch's environment.</summary>
    public NamespaceProcess RestartDaemon()
    {
        int pid = InsidePid() ?? throw new InvalidOperationException("no process left in the sandbox's namespace");
        var env = new Dictionary<string, string>(StringComparer.Ordinal) { ["HVD_SANDBOX_ALLOW"] = string.Join(',', _allowed) };
        if (_environment is not null) foreach (var (k, v) in _environment) env[k] = v;
        NamespaceProcess p = NamespaceProcess.Start(pid, env, GuardPath, "check-exec", DaemonPath, "-n");
        lock (_restarted) _restarted.Add(p);
        return p;
    }

    int? RestartedPid()
    {
        lock (_restarted) return _restarted.FirstOrDefault(p => !p.HasExited)?.Pid;
    }

    /// <summary>SIGTERM (the daemon thaws on its way out), then whatever is left is killed.</summary>
    void StopRestarted()
    {
        lock (_restarted)
            foreach (NamespaceProcess p in _restarted)
            {
                if (!p.HasExited) LibC.kill(p.Pid, LibC.SIGTERM);
                p.Finished(TimeSpan.FromSeconds(10));
                p.Dispose();
            }
    }
}
