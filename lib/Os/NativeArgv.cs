using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace HvDaemons.Os;

/// <summary>NULL-terminated argv/envp arrays in native memory for posix_spawn.</summary>
public sealed unsafe class NativeArgv : IDisposable
{
    readonly List<IntPtr> _allocations = new();

    public NativeArgv(IReadOnlyList<string> argv, IReadOnlyList<string> envp)
    {
        Argv = Build(argv);
        Envp = Build(envp);
    }

    public byte** Argv { get; }
    public byte** Envp { get; }

    byte** Build(IReadOnlyList<string> strings)
    {
        var table = (byte**)NativeMemory.AllocZeroed((nuint)(strings.Count + 1), (nuint)sizeof(byte*));
        _allocations.Add((IntPtr)table);
        for (int i = 0; i < strings.Count; i++)
        {
            int n = Encoding.UTF8.GetByteCount(strings[i]);
            var s = (byte*)NativeMemory.AllocZeroed((nuint)(n + 1));
            _allocations.Add((IntPtr)s);
            Encoding.UTF8.GetBytes(strings[i], new Span<byte>(s, n));
            table[i] = s;
        }
        return table;
    }

    public void Dispose()
    {
        foreach (IntPtr p in _allocations) NativeMemory.Free((void*)p);
        _allocations.Clear();
    }
}
