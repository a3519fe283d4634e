using System;
using System.Collections;
using System.Collections.Generic;
using HvDaemons.Os;

namespace HvDaemons.Daemon;

/// <summary>
/// Daemon mode without fork(): a running .NET process cannot safely fork (only the calling
/// thread survives in the child, the runtime's own threads do not). Instead we start
/// /proc/self/exe again with -n (right after argv[0]), in a new session, with stdio on
/// /dev/null, like daemon(1,0) leaves it. posix_spawn reports a failed exec, so once it returns 0 the child runs.
/// </summary>
public static unsafe class Detach
{
    /// <returns>0 once the child runs, else an errno.</returns>
    public static int Relaunch(string argv0, string[] args, out int childPid)
    {
        childPid = -1;
        // -n goes first: getopt ignores everything after "--", so a -n appended to
        // "hv_kvp_daemon --" would never be seen and every child would detach again.
        var argv = new List<string>(args.Length + 2) { argv0, "-n" };
        argv.AddRange(args);
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            env.Add(e.Key + "=" + e.Value);

        using var native = new NativeArgv(argv, env);
        byte[] self = NativeString.Utf8z("/proc/self/exe");
        byte[] devNull = NativeString.Utf8z("/dev/null");
        byte* attr = stackalloc byte[Interop.SpawnAttrSize];
        byte* actions = stackalloc byte[Interop.SpawnFileActionsSize];
        byte* emptyMask = stackalloc byte[128];
        new Span<byte>(emptyMask, 128).Clear();

        Interop.posix_spawnattr_init(attr);
        Interop.posix_spawn_file_actions_init(actions);
        try
        {
            Interop.posix_spawnattr_setflags(attr, (short)(Interop.POSIX_SPAWN_SETSID | Interop.POSIX_SPAWN_SETSIGMASK));
            Interop.posix_spawnattr_setsigmask(attr, emptyMask);
            fixed (byte* dn = devNull)
            {
                Interop.posix_spawn_file_actions_addopen(actions, 0, dn, Posix.O_RDONLY, 0);
                Interop.posix_spawn_file_actions_addopen(actions, 1, dn, Posix.O_WRONLY, 0);
                Interop.posix_spawn_file_actions_adddup2(actions, 1, 2);
            }
            int pid;
            int rc;
            fixed (byte* path = self)
                rc = Interop.posix_spawn(&pid, path, actions, attr, native.Argv, native.Envp);
            if (rc == 0) childPid = pid;
            return rc;
        }
        finally
        {
            Interop.posix_spawn_file_actions_destroy(actions);
            Interop.posix_spawnattr_destroy(attr);
        }
    }
}
