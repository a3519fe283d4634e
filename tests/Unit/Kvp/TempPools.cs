using System;
using System.IO;
using HvDaemons.Kvp;
using HvDaemons.Logging;

namespace HvDaemons.Tests.Kvp;

/// <summary>A KvpService over a fresh temporary directory tree; never touches /var/lib/hyperv.</summary>
sealed class TempPools : IDisposable
{
    public TempPools(Func<KvpPaths, KvpPaths>? configure = null, bool debug = false)
    {
        Root = Directory.CreateTempSubdirectory("hvd-kvp-").FullName;
        Log = new MemoryLogger { DebugEnabled = debug };
        var paths = new KvpPaths(Path.Combine(Root, "hyperv"), Path.Combine(Root, "scripts"))
        {
            SysClassNet = Path.Combine(Root, "sys/class/net"),
            ProcNet = Path.Combine(Root, "proc/net"),
            ResolvConf = Path.Combine(Root, "etc/resolv.conf"),
            ResolvedConf = Path.Combine(Root, "run/resolved.conf"),
            OsRelease = Path.Combine(Root, "etc/os-release"),
            ConfigFile = Path.Combine(Root, "etc/hyperv/kvp.conf"),
            Sysfs = Path.Combine(Root, "sys"),
            EtcDirectory = Path.Combine(Root, "etc"),
            NetworkdLeases = Path.Combine(Root, "run/leases"),
            LeaseDirectories = [Path.Combine(Root, "var/lib/dhcp")],
            ScriptTimeoutMs = 3000,
        };
        Paths = configure is null ? paths : configure(paths);
    }

    public string Root { get; }
    public KvpPaths Paths { get; }
    public MemoryLogger Log { get; }
    KvpService? _service;
    public KvpService Service => _service ??= KvpService.Create(Paths, Log);

    public string PoolPath(int n) => Path.Combine(Paths.PoolDirectory, ".kvp_pool_" + n);

    public byte[] Send(byte[] m)
    {
        int n = Service.Handle(m, m.Length);
        if (n != Msg.Size) throw new InvalidOperationException("reply length " + n);
        return m;
    }

    public uint Status(byte[] m) => Msg.Status(Send(m));

    public void Write(string relative, string text)
    {
        string p = Path.Combine(Root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(p)!);
        File.WriteAllText(p, text);
    }

    /// <summary>Writes an executable script (shebang included by the caller).</summary>
    public string Script(string name, string body)
    {
        Directory.CreateDirectory(Paths.ScriptsDirectory);
        string p = Path.Combine(Paths.ScriptsDirectory, name);
        File.WriteAllText(p, body);
        File.SetUnixFileMode(p, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        return p;
    }

    public void Dispose()
    {
        _service?.Dispose();
        try { Directory.Delete(Root, recursive: true); } catch (IOException) { }
    }
}
