using System;
using System.Diagnostics;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// Another program holding a pool file's lock, as cloud-init does while it edits pool 1:
/// python3 takes flock(LOCK_EX), a POSIX fcntl write lock (lockf), or both ("both") on the
/// file and keeps them until <see cref="Release"/>. Locks work across mount namespaces: same inode.
/// </summary>
internal sealed class LockHolder : IDisposable
{
    const string Script = """
        import fcntl, sys
        f = open(sys.argv[1], 'r+b')
        if sys.argv[2] in ('flock', 'both'):
            fcntl.flock(f, fcntl.LOCK_EX)
        if sys.argv[2] != 'flock':
            fcntl.lockf(f, fcntl.LOCK_EX)
        print('locked', flush=True)
        sys.stdin.readline()
        """;

    readonly Process _process;

    public LockHolder(string path, string kind)
    {
        var psi = new ProcessStartInfo("python3", ["-c", Script, path, kind])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        _process = Process.Start(psi)!;
        var line = _process.StandardOutput.ReadLineAsync();
        if (line.Wait(TimeSpan.FromSeconds(20)) && line.Result == "locked") return;
        _process.Kill();
        Assert.Fail("python3 did not take the lock: " + _process.StandardError.ReadToEnd());
    }

    public int Pid => _process.Id;

    /// <summary>Drops the lock (the holder exits).</summary>
    public void Release()
    {
        if (_process.HasExited) return;
        _process.StandardInput.WriteLine();
        _process.StandardInput.Flush();
        Assert.True(_process.WaitForExit(20_000), "lock holder did not exit");
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill();
            _process.WaitForExit(5000);
        }
        _process.Dispose();
    }
}
