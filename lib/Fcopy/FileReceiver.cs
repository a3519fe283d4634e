using System;
using System.Collections.Generic;
using System.Text;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Wire;

namespace HvDaemons.Fcopy;

/// <summary>
/// The file side of one host copy (docs/protocol.md §6.2-§6.4), the same for both transports:
/// START creates path/name, WRITE stores fragments at the host's offsets, COMPLETE makes the
/// file durable, CANCEL (or a reset mid-copy) removes the partial file. Every outcome is an
/// HV_* status and a log line; nothing here throws for bad input.
/// </summary>
public sealed class FileReceiver(Logger log) : IDisposable
{
    /// <summary>Mode of created files (& ~umask), as upstream.</summary>
    public const uint FileMode = 0x1E4;        // 0744
    /// <summary>Mode of directories made for CREATE_PATH, as upstream.</summary>
    public const uint DirectoryMode = 0x1ED;   // 0755
    /// <summary>PATH_MAX including the NUL.</summary>
    public const int MaxTargetBytes = 4096;

    FileDescriptor? _file;
    string? _target;
    long _received;
    /// <summary>Directories START made for this copy; COMPLETE makes their entries durable too.</summary>
    readonly List<string> _created = new();

    /// <summary>Sees each fsync COMPLETE makes ("fsync" the file, "fsync-dir" a directory), for tests.</summary>
    public AtomicFile.StepObserver? Observe { get; init; }

    /// <summary>The file being received, or null between copies.</summary>
    public string? Target => _target;

    public uint Start(string path, string name, uint flags)
    {
        if (_file is not null)
            Abandon("a new copy started before the previous one completed");

        if (!IsSingleComponent(name))
        {
            log.Err("Invalid file name: \"" + name + "\" (must be one path component)");
            return HvStatus.E_FAIL;
        }
        if (path.Length == 0)
        {
            log.Err("Invalid path: empty");
            return HvStatus.E_FAIL;
        }
        string target = path.EndsWith('/') ? path + name : path + "/" + name;
        if (Encoding.UTF8.GetByteCount(target) >= MaxTargetBytes)
        {
            log.Err("target file name is too long: " + path + "/" + name);
            return HvStatus.E_FAIL;
        }
        log.Info("Target file name: " + target);

        _created.Clear();
        if (!EnsureDirectories(path, (flags & FcopyOp.CreatePath) != 0)) return HvStatus.E_FAIL;

        SysResult r = FileStat.OfPath(target, followSymlinks: false, out FileStatus existing);
        if (!r.Ok)
        {
            log.Err("Cannot inspect " + target + ": " + Errno.Describe(r.Error));
            return HvStatus.E_FAIL;
        }
        if (existing.Kind != FileKind.Missing)
        {
            log.Info("File: " + target + " exists");
            if ((flags & FcopyOp.OverWrite) == 0) return HvStatus.ERROR_ALREADY_EXISTS;
        }

        // O_NOFOLLOW: a symlink planted at path/name must not redirect the write elsewhere.
        r = Posix.Open(target, Posix.O_RDWR | Posix.O_CREAT | Posix.O_TRUNC | Posix.O_NOFOLLOW | Posix.O_NONBLOCK,
                       FileMode, out FileDescriptor fd);
        if (!r.Ok)
        {
            fd.Dispose();
            log.Info("Open Failed: " + Errno.Describe(r.Error));
            return HvStatus.E_FAIL;
        }
        r = FileStat.OfDescriptor(fd, out FileStatus opened);
        if (!r.Ok || opened.Kind != FileKind.Regular)
        {
            fd.Dispose();
            log.Err("Open Failed: " + target + " is not a regular file");
            return HvStatus.E_FAIL;
        }
        _file = fd;
        _target = target;
        _received = 0;
        return HvStatus.S_OK;
    }

    public uint Write(ulong offset, ReadOnlySpan<byte> data)
    {
        if (_file is null)
        {
            log.Err("Write without an open file; ignored");
            return HvStatus.E_FAIL;
        }
        if (offset > (ulong)(long.MaxValue - data.Length))
        {
            log.Err("Write offset " + offset + " + " + data.Length + " bytes is beyond the largest file offset");
            return HvStatus.E_FAIL;
        }
        SysResult r = Posix.PWriteAll(_file, data, (long)offset);
        if (!r.Ok)
        {
            log.Err("pwrite failed to write " + (_received + data.Length) + " bytes: -1 (" + Errno.Describe(r.Error) + ")");
            return IsDiskFull(r.Error) ? HvStatus.ERROR_DISK_FULL : HvStatus.E_FAIL;
        }
        _received += data.Length;
        return HvStatus.S_OK;
    }

    /// <summary>Closes the file after fsync of it, of its directory and of the parent of every
    /// directory START created, so "complete" on the host means on disk here, name included.
    /// If that fails the file is removed and the host told so.</summary>
    public uint Complete()
    {
        if (_file is null) return HvStatus.S_OK;   // as upstream: nothing open, nothing to do
        SysResult r = Posix.Fsync(_file);
        string failed = _target!;
        if (r.Ok)
        {
            Observe?.Invoke("fsync", _target!);
            foreach (string dir in DirectoriesToSync())
            {
                r = AtomicFile.FsyncDirectory(dir);
                if (!r.Ok) { failed = dir; break; }
                Observe?.Invoke("fsync-dir", dir);
            }
        }
        if (!r.Ok)
        {
            log.Err("fsync of " + failed + " failed: " + Errno.Describe(r.Error) + "; removing " + _target);
            uint status = IsDiskFull(r.Error) ? HvStatus.ERROR_DISK_FULL : HvStatus.E_FAIL;
            RemovePartial();
            return status;
        }
        _file!.Dispose();
        _file = null;
        log.Info("Copied " + _received + " bytes to " + _target);
        _target = null;
        return HvStatus.S_OK;
    }

    /// <summary>The file's directory, then (deepest first) the parent of each created directory:
    /// a new entry is durable once the directory holding it is synced.</summary>
    List<string> DirectoriesToSync()
    {
        var dirs = new List<string> { AtomicFile.DirectoryOf(_target!) };
        for (int i = _created.Count - 1; i >= 0; i--)
        {
            string parent = AtomicFile.DirectoryOf(_created[i]);
            if (!dirs.Contains(parent)) dirs.Add(parent);
        }
        return dirs;
    }

    public uint Cancel()
    {
        if (_file is not null) log.Info("Copy of " + _target + " cancelled by the host");
        RemovePartial();
        return HvStatus.S_OK;
    }

    /// <summary>Removes a half-received file (transport reset, shutdown, superseded copy).</summary>
    public void Abandon(string why)
    {
        if (_file is null) return;
        log.Err("Copy of " + _target + " abandoned: " + why);
        RemovePartial();
    }

    void RemovePartial()
    {
        _file?.Dispose();
        _file = null;
        if (_target is not null)
        {
            SysResult r = Posix.Unlink(_target);
            if (r.Ok) log.Info("Removed partial file " + _target);
            else if (r.Error != Errno.ENOENT) log.Err("Cannot remove partial file " + _target + ": " + Errno.Describe(r.Error));
        }
        _target = null;
        _received = 0;
    }

    /// <summary>Checks (and with CREATE_PATH creates) every directory of <paramref name="path"/>,
    /// including the last one; upstream skips the last unless the path ends in '/'.</summary>
    bool EnsureDirectories(string path, bool create)
    {
        int i = 0;
        while (i < path.Length)
        {
            int slash = path.IndexOf('/', i);
            int end = slash < 0 ? path.Length : slash;
            if (end > i)
            {
                string dir = path[..end];
                SysResult r = FileStat.OfPath(dir, followSymlinks: true, out FileStatus st);
                if (!r.Ok)
                {
                    log.Err("Invalid path: " + dir + " (" + Errno.Describe(r.Error) + ")");
                    return false;
                }
                if (st.Kind == FileKind.Missing)
                {
                    if (!create)
                    {
                        log.Err("Invalid path: " + dir);
                        return false;
                    }
                    r = Posix.Mkdir(dir, DirectoryMode);
                    if (!r.Ok && r.Error != Errno.EEXIST)
                    {
                        log.Err("Failed to create " + dir + ": " + Errno.Describe(r.Error));
                        return false;
                    }
                    if (r.Ok) _created.Add(dir);
                }
                else if (st.Kind != FileKind.Directory)
                {
                    log.Err("Invalid path: " + dir + " is not a directory");
                    return false;
                }
            }
            i = end + 1;
        }
        return true;
    }

    /// <summary>A file name must name one entry inside path: no '/', not "." or "..".</summary>
    public static bool IsSingleComponent(string name)
        => name.Length > 0 && name != "." && name != ".." && name.IndexOf('/') < 0;

    static bool IsDiskFull(Errno errno) => errno is Errno.ENOSPC or Errno.EDQUOT;

    public void Dispose() => Abandon("daemon stopping");
}
