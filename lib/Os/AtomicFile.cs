using System;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>
/// Replaces a whole file so that a crash or power cut at any point leaves either the old file
/// or the new one, never an empty or half-written one: write a hidden temporary file in the
/// same directory, fsync it, rename it over the name, fsync the directory (the rename itself
/// is only durable once the directory is). Mode and owner are those a truncating rewrite
/// (upstream's fopen "w") would give: an existing file keeps its own, a new one gets
/// <c>createMode &amp; ~umask</c> and the daemon's owner.
/// </summary>
public static unsafe class AtomicFile
{
    /// <summary>The steps a test may observe: "fsync" (temp file), "rename", "fsync-dir". The
    /// observer runs after each step succeeded, with the path it acted on.</summary>
    public delegate void StepObserver(string step, string path);

    /// <summary>Writes <paramref name="contents"/> to <paramref name="path"/> atomically (see the class).</summary>
    public static SysResult Write(string path, ReadOnlySpan<byte> contents, uint createMode = 0x1B6 /* 0666 */, StepObserver? observe = null)
    {
        string dir = DirectoryOf(path);
        string temp = dir + "/." + path[(path.LastIndexOf('/') + 1)..] + ".tmp-" + Posix.GetPid();
        SysResult r = Posix.Open(temp, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, createMode, out FileDescriptor fd);
        if (!r.Ok && r.Error == Errno.EEXIST)
        {
            // Left by an earlier instance with our pid that died mid-write: it is ours to replace.
            Posix.Unlink(temp);
            r = Posix.Open(temp, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, createMode, out fd);
        }
        if (!r.Ok) { fd.Dispose(); return r; }
        bool renamed = false;
        try
        {
            using (fd)
            {
                if (!(r = KeepOwnerAndMode(path, fd)).Ok) return r;
                if (!(r = Posix.PWriteAll(fd, contents, 0)).Ok) return r;
                if (!(r = Posix.Fsync(fd)).Ok) return r;
                observe?.Invoke("fsync", temp);
            }
            if (!(r = Rename(temp, path)).Ok) return r;
            renamed = true;
            observe?.Invoke("rename", path);
            if (!(r = FsyncDirectory(dir)).Ok) return r;
            observe?.Invoke("fsync-dir", dir);
            return SysResult.Success(contents.Length);
        }
        finally
        {
            if (!renamed) Posix.Unlink(temp);
        }
    }

    /// <summary>fsync(2) on a directory, which makes the entries created or renamed in it durable.</summary>
    public static SysResult FsyncDirectory(string dir)
    {
        SysResult r = Posix.Open(dir, Posix.O_RDONLY | Posix.O_DIRECTORY, 0, out FileDescriptor fd);
        using (fd)
            return r.Ok ? Posix.Fsync(fd) : r;
    }

    /// <summary>The directory part of <paramref name="path"/> ("." for a bare name, "/" for the root).</summary>
    public static string DirectoryOf(string path)
    {
        int slash = path.LastIndexOf('/');
        return slash < 0 ? "." : slash == 0 ? "/" : path[..slash];
    }

    /// <summary>An existing file's mode and owner carry over to its replacement.</summary>
    static SysResult KeepOwnerAndMode(string path, FileDescriptor fd)
    {
        SysResult r = FileStat.Fields(path, followSymlinks: true, out StatxFields st);
        if (!r.Ok) return r.Error == Errno.ENOENT ? SysResult.Success() : r;
        // Not root (tests): the owner stays ours; the mode is still carried over.
        if (LibC.fchown(fd.Fd, st.Uid, st.Gid) != 0 && Errno.Last != Errno.EPERM) return SysResult.Fail(Errno.Last);
        return LibC.fchmod(fd.Fd, (mode_t)(st.Mode & 0xFFF)) == 0 ? SysResult.Success() : SysResult.Fail(Errno.Last);
    }

    static SysResult Rename(string from, string to)
    {
        byte[] f = NativeString.Utf8z(from), t = NativeString.Utf8z(to);
        fixed (byte* fp = f)
        fixed (byte* tp = t)
            return Interop.rename(fp, tp) == 0 ? SysResult.Success() : SysResult.Fail(Errno.LastPInvoke);
    }
}
