using System;
using System.IO;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Auto;

/// <summary>
/// Facts about this guest for the AUTO pool. The host name and addresses are read each time
/// the host asks (they change at run time); uname and the release file once, on first use.
/// </summary>
internal sealed class HostFacts
{
    readonly KvpPaths _paths;
    OsRelease? _release;
    string? _sysname, _release_, _machine;

    public HostFacts(KvpPaths paths) => _paths = paths;

    public string KernelRelease { get { Uname(); return _release_!; } }
    public string Machine { get { Uname(); return _machine!; } }

    /// <summary>uname -r up to the first '-' ("6.8.0-31-generic" gives "6.8.0").</summary>
    public string KernelVersion
    {
        get
        {
            string r = KernelRelease;
            int dash = r.IndexOf('-');
            return dash < 0 ? r : r[..dash];
        }
    }

    public OsRelease Release => _release ??= LoadRelease();

    public string OsName => Release.Name ?? Sysname;

    string Sysname { get { Uname(); return _sysname!; } }

    OsRelease LoadRelease()
    {
        string osRelease = _paths.OsRelease;
        if (File.Exists(osRelease))
            return OsRelease.ParseOsRelease(TextFile.ReadOrEmpty(osRelease));
        foreach (string legacy in new[] { "SuSE-release", "redhat-release" })
        {
            string p = Path.Combine(_paths.EtcDirectory, legacy);
            if (File.Exists(p)) return OsRelease.ParseLegacy(TextFile.ReadOrEmpty(p));
        }
        return new OsRelease(null, "", "");
    }


    void Uname()
    {
        if (_sysname is not null) return;
        (_sysname, _release_, _machine) = SystemNames.Uname();
    }

    /// <summary>gethostname, then the canonical name from getaddrinfo(AF_INET, AI_CANONNAME);
    /// upstream's error text when resolution fails.</summary>
    public static string FullyQualifiedDomainName() =>
        SystemNames.CanonicalHostName(out int code, out string why)
        ?? "getaddrinfo failed: 0x" + ((uint)code).ToString("x") + " " + why;
}
