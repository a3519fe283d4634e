using System;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>
/// Thin, errno-capturing wrappers over the few calls the daemons make on descriptors.
/// Each retries EINTR itself, so callers only see real failures.
/// </summary>
public static unsafe class Posix
{
    public static int O_RDONLY => LibC.O_RDONLY;
    public static int O_RDWR => LibC.O_RDWR;
    public static int O_WRONLY => LibC.O_WRONLY;
    public static int O_CREAT => LibC.O_CREAT;
    public static int O_TRUNC => LibC.O_TRUNC;
    public static int O_EXCL => LibC.O_EXCL;
    public static int O_CLOEXEC => LibC.O_CLOEXEC;
    public static int O_DIRECTORY => LibC.O_DIRECTORY;
    public static int O_NOFOLLOW => LibC.O_NOFOLLOW;
    public static int O_NONBLOCK => LibC.O_NONBLOCK;

    public static SysResult Open(string path, int flags, uint mode, out FileDescriptor fd)
    {
        byte[] p = NativeString.Utf8z(path);
        int r;
        fixed (byte* pp = p)
        {
            do { r = LibC.open(pp, flags | LibC.O_CLOEXEC, (ushort)mode); }
            while (r < 0 && Errno.Last == Errno.EINTR);
        }
        return FileDescriptor.Adopt(r, out fd);
    }

    public static SysResult Read(FileDescriptor fd, Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            while (true)
            {
                long r = LibC.read(fd.Fd, b, buffer.Length);
                if (r >= 0) return SysResult.Success(r);
                Errno e = Errno.Last;
                if (e != Errno.EINTR) return SysResult.Fail(e);
            }
        }
    }

    /// <summary>One read(2); EINTR is returned, not retried, so a signal can end a blocking read.</summary>
    public static SysResult ReadOnce(FileDescriptor fd, Span<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            long r = LibC.read(fd.Fd, b, buffer.Length);
            return r >= 0 ? SysResult.Success(r) : SysResult.Fail(Errno.Last);
        }
    }

    public static SysResult Write(FileDescriptor fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* b = buffer)
        {
            while (true)
            {
                long r = LibC.write(fd.Fd, b, buffer.Length);
                if (r >= 0) return SysResult.Success(r);
                Errno e = Errno.Last;
                if (e != Errno.EINTR) return SysResult.Fail(e);
            }
        }
    }

    public static SysResult PRead(FileDescriptor fd, Span<byte> buffer, long offset)
    {
        fixed (byte* b = buffer)
        {
            while (true)
            {
                long r = LibC.pread(fd.Fd, b, buffer.Length, offset);
                if (r >= 0) return SysResult.Success(r);
                Errno e = Errno.Last;
                if (e != Errno.EINTR) return SysResult.Fail(e);
            }
        }
    }

    /// <summary>Writes all of <paramref name="buffer"/> at <paramref name="offset"/>, looping over short writes.</summary>
    public static SysResult PWriteAll(FileDescriptor fd, ReadOnlySpan<byte> buffer, long offset)
    {
        fixed (byte* b = buffer)
        {
            long done = 0;
            while (done < buffer.Length)
            {
                long r = LibC.pwrite(fd.Fd, b + done, (int)(buffer.Length - done), offset + done);
                if (r < 0)
                {
                    Errno e = Errno.Last;
                    if (e == Errno.EINTR) continue;
                    return SysResult.Fail(e);
                }
                if (r == 0) return SysResult.Fail(Errno.EIO);
                done += r;
            }
            return SysResult.Success(done);
        }
    }

    public static SysResult Fsync(FileDescriptor fd)
        => LibC.fsync(fd.Fd) == 0 ? SysResult.Success() : SysResult.Fail(Errno.Last);

    public static SysResult Fdatasync(FileDescriptor fd)
        => LibC.fdatasync(fd.Fd) == 0 ? SysResult.Success() : SysResult.Fail(Errno.Last);

    public static SysResult Ftruncate(FileDescriptor fd, long length)
        => LibC.ftruncate(fd.Fd, length) == 0 ? SysResult.Success() : SysResult.Fail(Errno.Last);

    /// <summary>Waits for <paramref name="fds"/> to become readable; EINTR is retried with the same timeout.</summary>
    /// <returns>Number of ready descriptors (0 on timeout).</returns>
    internal static SysResult Poll(Span<Interop.pollfd> fds, int timeoutMs)
    {
        fixed (Interop.pollfd* p = fds)
        {
            while (true)
            {
                int r = Interop.poll(p, (nuint)fds.Length, timeoutMs);
                if (r >= 0) return SysResult.Success(r);
                Errno e = Errno.LastPInvoke;
                if (e != Errno.EINTR) return SysResult.Fail(e);
            }
        }
    }

    /// <summary>Waits until <paramref name="a"/> or <paramref name="b"/> is readable, or the
    /// timeout (-1: none) passes. A descriptor below 0 is not watched. An error or hang-up on a
    /// descriptor counts as readable: the read that follows reports it.</summary>
    public static SysResult PollReadable(int a, int b, int timeoutMs, out bool aReady, out bool bReady)
    {
        Span<Interop.pollfd> fds = stackalloc Interop.pollfd[2];
        fds[0].fd = a;
        fds[0].events = Interop.POLLIN;
        fds[1].fd = b;
        fds[1].events = Interop.POLLIN;
        SysResult r = Poll(fds, timeoutMs);
        aReady = r.Ok && fds[0].revents != 0;
        bReady = r.Ok && fds[1].revents != 0;
        return r;
    }

    /// <summary>pipe2 with O_CLOEXEC (and O_NONBLOCK if asked); both ends owned by the caller.</summary>
    public static SysResult Pipe(bool nonBlocking, out FileDescriptor readEnd, out FileDescriptor writeEnd)
    {
        int* fds = stackalloc int[2];
        if (LibC.pipe2(fds, LibC.O_CLOEXEC | (nonBlocking ? LibC.O_NONBLOCK : 0)) != 0)
        {
            Errno e = Errno.Last;
            readEnd = new FileDescriptor();
            writeEnd = new FileDescriptor();
            return SysResult.Fail(e);
        }
        readEnd = new FileDescriptor(fds[0]);
        writeEnd = new FileDescriptor(fds[1]);
        return SysResult.Success();
    }

    public static SysResult Mkdir(string path, uint mode)
    {
        byte[] p = NativeString.Utf8z(path);
        fixed (byte* pp = p)
            return LibC.mkdir(pp, (ushort)mode) == 0 ? SysResult.Success() : SysResult.Fail(Errno.Last);
    }

    public static SysResult Unlink(string path)
    {
        byte[] p = NativeString.Utf8z(path);
        fixed (byte* pp = p)
            return LibC.unlink(pp) == 0 ? SysResult.Success() : SysResult.Fail(Errno.Last);
    }

    public static int GetPid() => LibC.getpid();
}
