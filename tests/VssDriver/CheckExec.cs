using System;
using System.Collections;
using System.Collections.Generic;
using System.Runtime.InteropServices;

namespace HvDaemons.Tests.VssDriver;

/// <summary>
/// The last step of a black-box freeze sandbox: after the launcher pivoted into the test's root,
/// detach the old root, check the mounts, and only then exec the real daemon (same pid, so the
/// simulated host sees the daemon itself). The allowed devices come in <see cref="AllowVariable"/>,
/// which the daemon does not inherit.
/// </summary>
static unsafe partial class CheckExec
{
    public const string AllowVariable = "HVD_SANDBOX_ALLOW";

    public static int Run(string[] command)
    {
        string allow = Environment.GetEnvironmentVariable(AllowVariable) ?? "";
        string? error = MountGuard.DetachOldRoot();
        if (error is not null) { Console.Error.WriteLine("hvd-guard: unsafe " + error); return 96; }
        string verdict = MountGuard.Check(MountGuard.ParseAllowed(allow), out bool safe);
        Console.Error.WriteLine("hvd-guard: " + verdict);
        if (!safe) return 97;

        var env = new List<string>();
        foreach (DictionaryEntry e in Environment.GetEnvironmentVariables())
            if ((string)e.Key != AllowVariable) env.Add(e.Key + "=" + e.Value);
        IntPtr* argv = Strings(command);
        IntPtr* envp = Strings(env.ToArray());
        execve(argv[0], argv, envp);
        Console.Error.WriteLine("hvd-guard: exec " + command[0] + " failed: errno " + Marshal.GetLastSystemError());
        return 127;
    }

    /// <summary>A NULL-terminated array of UTF-8 strings; never freed (exec replaces the process).</summary>
    static IntPtr* Strings(string[] items)
    {
        var array = (IntPtr*)NativeMemory.Alloc((nuint)(items.Length + 1), (nuint)sizeof(IntPtr));
        for (int i = 0; i < items.Length; i++) array[i] = Marshal.StringToCoTaskMemUTF8(items[i]);
        array[items.Length] = IntPtr.Zero;
        return array;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial int execve(IntPtr path, IntPtr* argv, IntPtr* envp);
}
