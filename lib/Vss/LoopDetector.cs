using System;
using System.IO;
using HvDaemons.Logging;
using HvDaemons.Os;

namespace HvDaemons.Vss;

/// <summary>Looks up the device a mount source names: the errno of stat(), or its number.</summary>
public delegate SysResult DeviceLookup(string path, out DeviceNumber device);

/// <summary>
/// Tells whether a block device is a loop device or stacked on one (device-mapper, md, ...)
/// through /sys/dev/block/M:m: a loop device has a "loop" directory there, and a stacked one
/// lists what it sits on under "slaves/". Freezing a loop-backed filesystem could deadlock on
/// its backing file, so upstream leaves those alone and so do we.
/// </summary>
public sealed class LoopDetector(string sysDevBlock, Logger log, DeviceLookup? lookup = null)
{
    /// <summary>Stacking deeper than this is treated as not loop-backed (and guards against cycles).</summary>
    const int MaxDepth = 8;

    readonly DeviceLookup _lookup = lookup ?? DeviceNumbers.Stat;

    /// <summary>
    /// True if <paramref name="source"/> is loop-backed. A source that cannot be stat()ed is
    /// logged and treated as not loop-backed, as upstream does.
    /// </summary>
    public bool IsLoopBacked(string source)
    {
        SysResult r = _lookup(source, out DeviceNumber device);
        if (!r.Ok)
        {
            log.Err("Can't stat: " + source + "; error:" + Errno.Describe(r.Error));
            return false;
        }
        if (!device.IsBlockDevice) return false;
        return IsLoopNode(Path.Combine(sysDevBlock, device.ToString()), 0);
    }

    bool IsLoopNode(string node, int depth)
    {
        if (DeviceNumbers.Accessible(Path.Combine(node, "loop"), DeviceNumbers.R_OK | DeviceNumbers.X_OK))
            return true;
        if (depth >= MaxDepth) return false;
        string slaves = Path.Combine(node, "slaves");
        try
        {
            foreach (string slave in Directory.EnumerateFileSystemEntries(slaves))
                if (IsLoopNode(slave, depth + 1)) return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // No slaves directory: a plain device.
        }
        return false;
    }
}
