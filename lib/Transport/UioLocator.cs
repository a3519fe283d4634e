using System;
using System.IO;
using System.Text;
using System.Threading;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Wire;

namespace HvDaemons.Transport;

/// <summary>Where the fcopy channel lives: the uio node and the size of one ring.</summary>
public readonly record struct UioLocation(string DevicePath, int RingBytes);

/// <summary>
/// Finds the fcopy VMBus device's uio node and ring size in sysfs (docs/protocol.md §7.1), binding
/// the device to uio_hv_generic first when nobody else did. Both roots are parameters so
/// tests can point them at a fake tree.
/// </summary>
public sealed class UioLocator(string sysRoot, string devRoot, Logger log)
{
    public const string FcopyInstanceId = "eb765408-105f-49b6-b4aa-c123b64d17d4";
    public const string FcopyClassId = "34d14be3-dee4-41c8-9ae7-6b174977c192";
    /// <summary>Largest ring we accept from sysfs: far above any real channel, small enough to map.</summary>
    public const int MaxRingBytes = 64 << 20;

    /// <summary>How long to wait for the uio node after binding.</summary>
    public int BindWaitMs { get; init; } = 2000;

    public string DeviceDir => Path.Combine(sysRoot, "bus/vmbus/devices", FcopyInstanceId);
    string DriverDir => Path.Combine(sysRoot, "bus/vmbus/drivers/uio_hv_generic");

    /// <summary>Locates (and if needed binds) the device. On failure the result says why and
    /// <paramref name="location"/> is default.</summary>
    public ChannelResult Locate(out UioLocation location)
    {
        location = default;
        if (!Directory.Exists(DeviceDir))
            return new ChannelResult(ChannelEvent.NotFound, 0, Errno.ENOENT,
                "no fcopy VMBus device " + DeviceDir + " (is Guest Service Interface enabled?)");

        string? uio = FindUioName();
        if (uio is null)
        {
            ChannelResult bound = Bind();
            if (bound.Event != ChannelEvent.Ok) return bound;
            for (int waited = 0; (uio = FindUioName()) is null && waited < BindWaitMs; waited += 50)
                Thread.Sleep(50);
            // The device is there but unusable: an error, not absence.
            if (uio is null)
                return new ChannelResult(ChannelEvent.Failed, 0, Errno.ENODEV,
                    "no uio node under " + DeviceDir + "/uio after binding uio_hv_generic");
        }

        int ringBytes = RingSize(out string? unusable);
        if (ringBytes <= 0)
        {
            Thread.Sleep(100);   // the channel directory appears once the channel is set up
            ringBytes = RingSize(out unusable);
        }
        // The loop logs either, once.
        if (ringBytes <= 0)
            return new ChannelResult(ChannelEvent.Failed, 0, Errno.ENODEV, unusable ?? "Could not determine ring size");
        location = new UioLocation(Path.Combine(devRoot, uio), ringBytes);
        return ChannelResult.Ok();
    }

    string? FindUioName()
    {
        string dir = Path.Combine(DeviceDir, "uio");
        if (!Directory.Exists(dir)) return null;
        string? best = null;
        foreach (string entry in Directory.EnumerateFileSystemEntries(dir))
        {
            string name = Path.GetFileName(entry);
            if (!IsUioName(name)) continue;
            if (best is null || string.CompareOrdinal(name, best) < 0) best = name;
        }
        return best;
    }

    /// <summary>"uio" followed by digits only: the name becomes a path under /dev.</summary>
    public static bool IsUioName(string name)
    {
        if (name.Length < 4 || name.Length > 13 || !name.StartsWith("uio", StringComparison.Ordinal)) return false;
        for (int i = 3; i < name.Length; i++)
            if (name[i] < '0' || name[i] > '9') return false;
        return true;
    }

    /// <summary>channels/&lt;relid&gt;/ring covers TX and RX; one ring is half of it. -1 with
    /// <paramref name="unusable"/> null: no ring file yet.</summary>
    int RingSize(out string? unusable)
    {
        unusable = null;
        string channels = Path.Combine(DeviceDir, "channels");
        if (!Directory.Exists(channels)) return -1;
        foreach (string channel in Directory.EnumerateDirectories(channels))
        {
            string ring = Path.Combine(channel, "ring");
            SysResult r = FileStat.OfPath(ring, followSymlinks: true, out FileStatus st);
            if (!r.Ok || st.Kind == FileKind.Missing) continue;
            long half = st.Size / 2;
            if (half <= VmbusLayout.ControlPageSize || half > MaxRingBytes || half % 4096 != 0)
            {
                unusable = "Ring buffer size from " + ring + " is unusable: " + st.Size + " bytes";
                return -1;
            }
            log.Info("Ring buffer size from " + ring + ": " + half + " bytes");
            return (int)half;
        }
        return -1;
    }

    /// <summary>uio_hv_generic has no ID table: teach it the fcopy class, then bind the instance.</summary>
    ChannelResult Bind()
    {
        if (!Directory.Exists(DriverDir))
            return new ChannelResult(ChannelEvent.Failed, 0, Errno.ENODEV,
                "the fcopy device is not bound and uio_hv_generic is not loaded (modprobe uio_hv_generic)");
        log.Info("binding the fcopy VMBus device to uio_hv_generic");
        SysResult r = WriteSysfs(Path.Combine(DriverDir, "new_id"), FcopyClassId);
        // EEXIST: the class was already added (then a bind is still needed).
        if (!r.Ok && r.Error != Errno.EEXIST)
            return ChannelResult.Failed(r.Error, "write " + DriverDir + "/new_id");
        if (FindUioName() is not null) return ChannelResult.Ok();   // new_id probes unbound devices itself
        r = WriteSysfs(Path.Combine(DriverDir, "bind"), FcopyInstanceId);
        if (!r.Ok && r.Error != Errno.EBUSY)   // EBUSY: new_id's probe got there first
            return ChannelResult.Failed(r.Error, "write " + DriverDir + "/bind");
        log.Info("bound " + FcopyInstanceId + " to uio_hv_generic");
        return ChannelResult.Ok();
    }

    static SysResult WriteSysfs(string path, string value)
    {
        SysResult r = Posix.Open(path, Posix.O_WRONLY, 0, out FileDescriptor fd);
        using (fd)
        {
            if (!r.Ok) return r;
            r = Posix.Write(fd, Encoding.ASCII.GetBytes(value));
            return r;
        }
    }
}
