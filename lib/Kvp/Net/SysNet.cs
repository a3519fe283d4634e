using System;
using System.Collections.Generic;
using System.IO;

namespace HvDaemons.Kvp.Net;

/// <summary>Network interfaces as /sys/class/net shows them (names, MACs, VMBus device ids).</summary>
internal sealed class SysNet
{
    readonly string _root;

    public SysNet(string root) => _root = root;

    /// <summary>Interface names in ordinal order, so answers do not depend on directory order.</summary>
    public List<string> Names()
    {
        var names = new List<string>();
        try
        {
            foreach (string entry in Directory.EnumerateFileSystemEntries(_root))
                names.Add(Path.GetFileName(entry));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { }
        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>First line of /sys/class/net/&lt;if&gt;/&lt;attribute&gt;, or null if unreadable.</summary>
    public string? Attribute(string name, string attribute)
    {
        try
        {
            using var reader = new StreamReader(Path.Combine(_root, name, attribute));
            return reader.ReadLine();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return null; }
    }

    /// <summary>The interface's MAC upper-cased ("00:15:5D:0A:0B:0C"), or null.</summary>
    public string? Mac(string name) => Attribute(name, "address")?.Trim().ToUpperInvariant();

    /// <summary>Every interface whose upper-cased MAC equals <paramref name="mac"/> exactly.</summary>
    public List<string> ByMac(string mac)
    {
        var found = new List<string>();
        foreach (string name in Names())
            if (Mac(name) == mac) found.Add(name);
        return found;
    }

    /// <summary>The interface whose device/device_id (VMBus instance GUID, with braces) equals
    /// <paramref name="deviceId"/> verbatim, or null.</summary>
    public string? ByDeviceId(string deviceId)
    {
        foreach (string name in Names())
            if (Attribute(name, "device/device_id") == deviceId) return name;
        return null;
    }
}
