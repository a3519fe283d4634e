using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Os;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>What a helper program did: its exit status (or why it has none) and its stdout.</summary>
public readonly record struct ChildResult(Errno SpawnError, bool TimedOut, int ExitStatus, string Output)
{
    /// <summary>Killed (with its process group) because the daemon was asked to stop.</summary>
    public bool Stopped { get; init; }

    public bool Succeeded => SpawnError == 0 && !TimedOut && !Stopped && ExitStatus == 0;

    public string Describe() =>
        SpawnError != 0 ? "cannot start: " + Errno.Describe(SpawnError)
        : Stopped ? "killed because the daemon is stopping"
        : TimedOut ? "timed out and was killed"
        : ExitStatus >= 0 ? "exit status " + ExitStatus
        : "killed by signal " + -ExitStatus;
}

/// <summary>
/// Runs a program with an argv array (never a shell string), stdin on /dev/null, stdout captured
/// (stderr too, or /dev/null), in its own session (so its own process group) so a timeout can
/// kill it and everything it started (<see cref="Spawn"/>).
/// </summary>
public static unsafe class ChildProcess
{
    const int MaxOutput = 64 * 1024;

    /// <param name="timeoutMs">After this the process group gets SIGKILL.</param>
    /// <param name="environment">The child's whole environment; null: ours (with a PATH).</param>
    /// <param name="captureStderr">stderr into the same pipe as stdout, instead of /dev/null.</param>
    /// <param name="stopFd">Readable once the daemon must stop (<see cref="StopWait"/>): the
    /// process group gets SIGKILL at once; -1 for none.</param>
    public static ChildResult Run(string path, IReadOnlyList<string> argv, int timeoutMs,
                                  IReadOnlyList<string>? environment = null, bool captureStderr = false,
                                  int stopFd = -1)
    {
        IReadOnlyList<string> env = environment ?? InheritedEnvironment();

        SysResult piped = Posix.Pipe(nonBlocking: false, out FileDescriptor pipeRead, out FileDescriptor writeEnd);
        using FileDescriptor readEnd = pipeRead;
        if (!piped.Ok) return new ChildResult(piped.Error, false, -1, "");

        Errno rc = Spawn.Start(path, argv, env, writeEnd.Fd, captureStderr, out int pid);
        writeEnd.Dispose();
        if (rc != 0) return new ChildResult(rc, false, -1, "");

        long deadline = Environment.TickCount64 + timeoutMs;
        var output = new MemoryStream();
        bool stopped = false;
        bool timedOut = !Drain(readEnd, output, deadline, stopFd, ref stopped);
        int status = timedOut ? Kill(pid) : Wait(pid, deadline, stopFd, out timedOut, out stopped);
        string text = System.Text.Encoding.UTF8.GetString(output.GetBuffer(), 0, (int)output.Length);
        return new ChildResult(0, timedOut && !stopped, status, text) { Stopped = stopped };
    }

    static List<string> InheritedEnvironment()
    {
        List<string> env = Spawn.CurrentEnvironment();
        if (Environment.GetEnvironmentVariable("PATH") is null)
            env.Add("PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
        return env;
    }

    /// <summary>Reads stdout until EOF; false if the deadline passed or a stop came first.</summary>
    static bool Drain(FileDescriptor fd, MemoryStream output, long deadline, int stopFd, ref bool stopped)
    {
        Span<byte> buf = stackalloc byte[4096];
        while (true)
        {
            long left = deadline - Environment.TickCount64;
            if (left <= 0) return false;
            SysResult p = Posix.PollReadable(fd.Fd, stopFd, (int)Math.Min(left, int.MaxValue), out bool readable, out bool stop);
            if (!p.Ok) return false;
            if (stop)
            {
                stopped = true;
                return false;
            }
            if (!readable) continue;
            SysResult r = Posix.Read(fd, buf);
            if (!r.Ok || r.Value == 0) return true;
            if (output.Length < MaxOutput) output.Write(buf[..(int)r.Value]);
        }
    }

    static int Wait(int pid, long deadline, int stopFd, out bool timedOut, out bool stopped)
    {
        timedOut = false;
        stopped = false;
        while (true)
        {
            int status = 0;
            int r = Interop.waitpid(pid, &status, 1 /* WNOHANG */);
            if (r == pid) return Decode(status);
            if (r < 0 && Errno.LastPInvoke != Errno.EINTR) return -1;
            if (Environment.TickCount64 >= deadline)
            {
                timedOut = true;
                return Kill(pid);
            }
            if (!StopWait.Sleep(5, stopFd))
            {
                stopped = timedOut = true;
                return Kill(pid);
            }
        }
    }

    static int Kill(int pid)
    {
        Interop.kill(-pid, Interop.SIGKILL);   // its whole session/process group: only what we started
        int status = 0;
        while (Interop.waitpid(pid, &status, 0) < 0 && Errno.LastPInvoke == Errno.EINTR) { }
        return Decode(status);
    }

    /// <summary>Exit status 0..255, or minus the signal number.</summary>
    static int Decode(int status) => (status & 0x7f) == 0 ? (status >> 8) & 0xff : -(status & 0x7f);
}
