using System;
using System.Collections;
using System.Collections.Generic;

namespace HvDaemons.Os;

/// <summary>
/// The one posix_spawn set-up, for the detached daemon and for every helper program: a new
/// session (so its own process group, which a timeout or stop can kill whole), an empty signal
/// mask, SIGPIPE back to its default (the runtime ignores it, and an ignored signal stays
/// ignored across exec; scripts expect the default, as under upstream's popen), stdin on
/// /dev/null. posix_spawn instead of fork: a running .NET process cannot fork safely, and
/// posix_spawn reports a failed exec.
/// </summary>
public static unsafe class Spawn
{
    /// <param name="stdoutFd">The child's stdout, or -1 for /dev/null.</param>
    /// <param name="stderrToStdout">stderr joins stdout; otherwise it is /dev/null.</param>
    /// <returns>0 once the child runs, else the errno of the spawn.</returns>
    public static Errno Start(string path, IReadOnlyList<string> argv, IReadOnlyList<string> environment,
                            int stdoutFd, bool stderrToStdout, out int pid)
    {
        pid = -1;
        using var native = new NativeArgv(argv, environment);
        byte[] file = NativeString.Utf8z(path);
        byte[] devNull = NativeString.Utf8z("/dev/null");
        byte* attr = stackalloc byte[Interop.SpawnAttrSize];
        byte* actions = stackalloc byte[Interop.SpawnFileActionsSize];
        byte* emptyMask = stackalloc byte[128];
        byte* defaults = stackalloc byte[128];
        new Span<byte>(emptyMask, 128).Clear();
        new Span<byte>(defaults, 128).Clear();
        defaults[(Interop.SIGPIPE - 1) / 8] |= (byte)(1 << ((Interop.SIGPIPE - 1) % 8));
        Interop.posix_spawnattr_init(attr);
        Interop.posix_spawn_file_actions_init(actions);
        try
        {
            Interop.posix_spawnattr_setflags(attr, (short)(Interop.POSIX_SPAWN_SETSID | Interop.POSIX_SPAWN_SETSIGMASK | Interop.POSIX_SPAWN_SETSIGDEF));
            Interop.posix_spawnattr_setsigmask(attr, emptyMask);
            Interop.posix_spawnattr_setsigdefault(attr, defaults);
            fixed (byte* dn = devNull)
            {
                Interop.posix_spawn_file_actions_addopen(actions, 0, dn, Posix.O_RDONLY, 0);
                if (stdoutFd >= 0) Interop.posix_spawn_file_actions_adddup2(actions, stdoutFd, 1);
                else Interop.posix_spawn_file_actions_addopen(actions, 1, dn, Posix.O_WRONLY, 0);
                if (stderrToStdout) Interop.posix_spawn_file_actions_adddup2(actions, 1, 2);
                else Interop.posix_spawn_file_actions_addopen(actions, 2, dn, Posix.O_WRONLY, 0);
            }
            int child;
            int rc;
            fixed (byte* f = file)
                rc = Interop.posix_spawn(&child, f, actions, attr, native.Argv, native.Envp);
            if (rc == 0) pid = child;
            return (Errno)rc;
        }
        finally
        {
            Interop.posix_spawn_file_actions_destroy(actions);
            Interop.posix_spawnattr_destroy(attr);
        }
    }

    /// <summary>This process's environment as NAME=value strings.</summary>
    public static List<string> CurrentEnvironment()
    {
        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            env.Add(e.Key + "=" + e.Value);
        return env;
    }
}
