using System;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Os;
using HvDaemons.Vss;

namespace HvDaemons.Tests.Vss;

/// <summary>
/// A /sys/dev/block look-alike in a temp directory plus a fake stat(): the device layout of a
/// machine with plain disks, loop devices and device-mapper stacked on both.
/// </summary>
sealed class FakeSysDevBlock : IDisposable
{
    readonly Dictionary<string, DeviceNumber> _nodes = new();

    public FakeSysDevBlock()
    {
        Root = Directory.CreateTempSubdirectory("hvd-sysdevblock-").FullName;
    }

    public string Root { get; }

    /// <summary>Sources stat() was asked about, in order.</summary>
    public List<string> Looked { get; } = new();

    /// <summary>A device node <paramref name="source"/> with major:minor and its sysfs directory
    /// (relative paths under it, e.g. "loop" or "slaves/loop0/loop").</summary>
    public FakeSysDevBlock Device(string source, uint major, uint minor, params string[] sysfsDirs)
    {
        _nodes[source] = new DeviceNumber(major, minor, true);
        string node = Path.Combine(Root, major + ":" + minor);
        Directory.CreateDirectory(node);
        foreach (string d in sysfsDirs) Directory.CreateDirectory(Path.Combine(node, d));
        return this;
    }

    /// <summary>A source that exists but is not a block device (e.g. a regular file).</summary>
    public FakeSysDevBlock NotBlock(string source)
    {
        _nodes[source] = new DeviceNumber(0, 0, false);
        return this;
    }

    public SysResult Lookup(string path, out DeviceNumber device)
    {
        Looked.Add(path);
        if (_nodes.TryGetValue(path, out device)) return SysResult.Success();
        return SysResult.Fail(Errno.ENOENT);
    }

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
