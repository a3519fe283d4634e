using System;
using HvDaemons.Os;

namespace HvDaemons.Tests.VssDriver;

/// <summary>A writer that blocks while its filesystem is frozen.</summary>
static class WriteFsync
{
    public static int Run(string path)
    {
        SysResult r = Posix.Open(path, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_TRUNC, 0x1a4, out FileDescriptor fd);
        if (!r.Ok) { Console.WriteLine("open failed " + r.Error); return 1; }
        using (fd)
        {
            var data = new byte[4096];
            data.AsSpan().Fill((byte)'x');
            r = Posix.PWriteAll(fd, data, 0);
            if (r.Ok) r = Posix.Fsync(fd);
        }
        Console.WriteLine(r.Ok ? "done" : "failed " + r.Error);
        return r.Ok ? 0 : 1;
    }
}
