using System;
using System.IO;
using System.Text;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Auto;

/// <summary>
/// Facts about this guest for the AUTO pool. The host name and addresses are read each time
/// the host asks (they change at run time); uname and the release file once, on first use.
/// </summary>
internal sealed unsafe class HostFacts
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
            return OsRelease.ParseOsRelease(ReadText(osRelease));
        foreach (string legacy in new[] { "SuSE-release", "redhat-release" })
        {
            string p = Path.Combine(_paths.EtcDirectory, legacy);
            if (File.Exists(p)) return OsRelease.ParseLegacy(ReadText(p));
        }
        return new OsRelease(null, "", "");
    }

    static string ReadText(string path)
    {
        try { return File.ReadAllText(path); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return ""; }
    }

    void Uname()
    {
        if (_sysname is not null) return;
        byte* buf = stackalloc byte[Interop.UtsNameSize];
        new Span<byte>(buf, Interop.UtsNameSize).Clear();
        Interop.uname(buf);
        _sysname = Field(buf, 0);
        _release_ = Field(buf, 2);
        _machine = Field(buf, 4);
    }

    static string Field(byte* buf, int i)
    {
        var f = new ReadOnlySpan<byte>(buf + i * Interop.UtsFieldLength, Interop.UtsFieldLength);
        return Encoding.UTF8.GetString(NativeString.UntilNul(f));
    }

    /// <summary>gethostname, then the canonical name from getaddrinfo(AF_INET, AI_CANONNAME);
    /// upstream's error text when resolution fails.</summary>
    public static string FullyQualifiedDomainName()
    {
        byte* name = stackalloc byte[256];
        new Span<byte>(name, 256).Clear();
        if (Tmds.Linux.LibC.gethostname(name, 255) != 0) return "";
        Interop.addrinfo hints = default;
        hints.ai_family = Interop.AF_INET;
        hints.ai_socktype = Interop.SOCK_STREAM;
        hints.ai_flags = Interop.AI_CANONNAME;
        Interop.addrinfo* info;
        int rc = Interop.getaddrinfo(name, null, &hints, &info);
        if (rc != 0)
        {
            string why = Marshal(Interop.gai_strerror(rc));
            return "getaddrinfo failed: 0x" + ((uint)rc).ToString("x") + " " + why;
        }
        try
        {
            return info->ai_canonname != null ? Marshal(info->ai_canonname) : Marshal(name);
        }
        finally
        {
            Interop.freeaddrinfo(info);
        }
    }

    static string Marshal(byte* s)
    {
        if (s == null) return "";
        int n = 0;
        while (s[n] != 0) n++;
        return Encoding.UTF8.GetString(s, n);
    }
}
