using System;
using System.Diagnostics;
using System.IO;
using System.Threading;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>
/// The pool's two locks against another process, in memory (no daemon binary): while a
/// separate program holds a POSIX fcntl lock (lockf, as azure-init takes it) or a flock on a
/// pool file, a SET must not touch the file; once it lets go the SET completes. A pool write
/// that forgot either lock shows here as a file changed under someone else's lock.
/// </summary>
public sealed class ForeignLockTests
{
    const string Holder = """
        import fcntl, sys
        f = open(sys.argv[1], 'r+b')
        if sys.argv[2] == 'flock':
            fcntl.flock(f, fcntl.LOCK_EX)
        else:
            fcntl.lockf(f, fcntl.LOCK_EX)
        print('locked', flush=True)
        sys.stdin.readline()
        """;

    static bool HavePython()
    {
        try
        {
            using var p = Process.Start(new ProcessStartInfo("python3", ["-c", "import fcntl"]) { RedirectStandardError = true })!;
            p.WaitForExit();
            return p.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception) { return false; }
    }

    /// <summary>File.ReadAllBytes takes a shared flock of its own (.NET's FileShare emulation),
    /// which the holder's exclusive flock would refuse.</summary>
    static byte[] ReadWithoutLocking(string path)
    {
        var r = HvDaemons.Os.Posix.Open(path, HvDaemons.Os.Posix.O_RDONLY, 0, out HvDaemons.Os.FileDescriptor fd);
        using (fd)
        {
            Assert.True(r.Ok, r.ToString());
            var buffer = new byte[1 << 20];
            var n = HvDaemons.Os.Posix.PRead(fd, buffer, 0);
            Assert.True(n.Ok, n.ToString());
            return buffer[..(int)n.Value];
        }
    }

    [SkippableTheory]
    [InlineData("lockf")]
    [InlineData("flock")]
    public void ASetWaitsForAnotherProcesssLockAndThenCompletes(string kind)
    {
        PrivilegedTest.Require(HavePython(), "python3 (to hold a pool lock from another process)");
        using var t = new TempPools();
        Assert.Equal(Msg.S_OK, t.Status(Msg.Set(1, "before", "1")));
        string pool = t.PoolPath(1);
        byte[] unlocked = File.ReadAllBytes(pool);

        using var holder = Process.Start(new ProcessStartInfo("python3", ["-c", Holder, pool, kind])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        })!;
        Thread? set = null;
        try
        {
            Assert.Equal("locked", holder.StandardOutput.ReadLine());
            uint status = uint.MaxValue;
            Exception? error = null;
            set = new Thread(() =>
            {
                try { status = t.Status(Msg.Set(1, "during", "2")); }
                catch (Exception e) { error = e; }
            });
            set.Start();
            Assert.False(set.Join(700), "the SET went ahead although another process holds the pool's " + kind + " lock");
            Assert.Equal(unlocked, ReadWithoutLocking(pool));

            holder.StandardInput.WriteLine();
            holder.StandardInput.Flush();
            Assert.True(holder.WaitForExit(10_000));
            Assert.True(set.Join(30_000), "the SET did not finish after the lock was released");
            Assert.Null(error);
            Assert.Equal(Msg.S_OK, status);
            Assert.Equal(2 * 2560, File.ReadAllBytes(pool).Length);
        }
        finally
        {
            if (!holder.HasExited) holder.Kill();
            set?.Join(30_000);   // never dispose the pools under a SET still running
        }
    }
}
