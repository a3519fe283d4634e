using System.Collections.Generic;
using HvDaemons.Os;

namespace HvDaemons.Daemon;

/// <summary>
/// Daemon mode without fork(): a running .NET process cannot safely fork (only the calling
/// thread survives in the child, the runtime's own threads do not). Instead we start
/// /proc/self/exe again with -n (right after argv[0]), in a new session, with stdio on
/// /dev/null, like daemon(1,0) leaves it (<see cref="Spawn"/>). posix_spawn reports a failed
/// exec, so once it returns 0 the child runs.
/// </summary>
public static class Detach
{
    /// <returns>0 once the child runs, else an errno.</returns>
    public static Errno Relaunch(string argv0, string[] args, out int childPid)
    {
        childPid = -1;
        // -n goes first: getopt ignores everything after "--", so a -n appended to
        // "hv_kvp_daemon --" would never be seen and every child would detach again.
        var argv = new List<string>(args.Length + 2) { argv0, "-n" };
        argv.AddRange(args);
        return Spawn.Start("/proc/self/exe", argv, Spawn.CurrentEnvironment(), stdoutFd: -1, stderrToStdout: true, out childPid);
    }
}
