using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.HostSim.Host;
using HvDaemons.Testing.Freeze;
using HvDaemons.Vss;

namespace HvDaemons.HostSim.Sandboxing;

/// <summary>
/// A daemon that may freeze, run as a black box against the simulated host in a root the test
/// built: the <see cref="Sandbox"/> launcher makes its /dev (FUSE at /dev/vmbus, /dev/log), then
/// the setup lines mount a zram root with fresh /proc, /sys and a tmpfs /dev, move /dev/vmbus
/// and bind /dev/log into it, mount the <see cref="RootMount"/>s, copy the daemon and the guard
/// (tests/VssDriver) with their libraries and pivot_root. The guard detaches the old root,
/// checks /proc/mounts against the devices made here and only then execs the daemon; a mount it
/// does not know stops the sandbox before anything can be frozen.
/// The work area (syslog socket, loop images) is on a tmpfs, so no mount in the root is backed
/// by the machine's disk. Dispose thaws, stops everything and removes every device made.
/// </summary>
public sealed partial class FreezeRoot : IDisposable
{
    const string DaemonPath = "/hvd/daemon";
    const string GuardPath = "/hvd/hvd-vss-driver";
    const string ScratchParent = "/dev/shm";
    const string ScratchPrefix = "hvd-freeze-";

    readonly List<ZramDevice> _zram = new();
    readonly List<(string Device, string Image)> _loops = new();
    readonly List<NamespaceProcess> _inside = new();
    readonly List<string> _allowed = new();
    readonly string _scratch;
    Sandbox? _sandbox;

    FreezeRoot(SimHost host)
    {
        Host = host;
        SweepScratch();
        _scratch = Directory.CreateDirectory(Path.Combine(ScratchParent, ScratchPrefix + Environment.ProcessId + "-" + Guid.NewGuid().ToString("N")[..8])).FullName;
    }

    public SimHost Host { get; }
    public Sandbox Sandbox => _sandbox!;

    /// <summary>major:minor of every block device this root was allowed to hold.</summary>
    public IReadOnlyList<string> AllowedDevices => _allowed;

    /// <summary>The zram devices made (all removed on Dispose).</summary>
    public IReadOnlyList<ZramDevice> ZramDevices => _zram;

    /// <summary>Why this machine cannot build a freeze root, or null.</summary>
    public static string? WhyUnavailable()
    {
        if (SandboxSupport.WhyUnavailable() is string s) return s;
        if (!ZramDevice.Available) return "no /sys/class/zram-control (zram module)";
        if (!IsTmpfs(ScratchParent)) return ScratchParent + " is not a tmpfs (the syslog socket must not be on the machine's disk)";
        foreach (string tool in new[] { "nsenter", "pivot_root", "losetup", "mkfs.ext4", "ldd" })
            if (!OnPath(tool)) return tool + " is not installed";
        return null;
    }

    /// <summary>Builds the root and starts <paramref name="daemonBinary"/> -n in it.</summary>
    /// <param name="environment">Extra variables for the daemon (e.g. HV_VSS_FREEZE_TIMEOUT_MS).</param>
    /// <param name="rootSetup">Shell lines run as root last before the pivot, with the new root at "$R"
    /// (files of the root's own /etc, tools copied with <see cref="RootShell.CopyBinary"/>).</param>
    public static FreezeRoot Start(SimHost host, string daemonBinary, string rootFsType, IEnumerable<RootMount> mounts,
                                   IReadOnlyDictionary<string, string>? environment = null, IEnumerable<string>? rootSetup = null)
    {
        var root = new FreezeRoot(host);
        try
        {
            root.Launch(daemonBinary, rootFsType, mounts.ToList(), environment, rootSetup ?? []);
            return root;
        }
        catch
        {
            root.Dispose();
            throw;
        }
    }

    void Launch(string daemonBinary, string rootFsType, List<RootMount> mounts, IReadOnlyDictionary<string, string>? environment,
                IEnumerable<string> rootSetup)
    {
        string guard = DriverBuild.Path;
        var lines = new List<string>
        {
            // On the namespace's own /dev tmpfs: the work area (under /dev/shm) is hidden by it.
            "R=/dev/.hvd-root",
            "mkdir \"$R\"",
        };
        ZramDevice root = NewZram(rootFsType);
        lines.Add(Node("", root.Path, root.Number));
        lines.Add($"mount -t {rootFsType} {root.Path} \"$R\"");
        lines.Add("mkdir -p \"$R/proc\" \"$R/sys\" \"$R/dev\" \"$R/.oldroot\" \"$R/run\"");
        lines.Add("mount -t proc proc \"$R/proc\"");
        lines.Add("mount -t sysfs sysfs \"$R/sys\"");
        lines.Add("mount -t tmpfs -o mode=755,size=8m hvd-dev \"$R/dev\"");
        lines.Add("mknod -m 666 \"$R/dev/null\" c 1 3; mknod -m 666 \"$R/dev/zero\" c 1 5");
        lines.Add("mknod -m 666 \"$R/dev/random\" c 1 8; mknod -m 666 \"$R/dev/urandom\" c 1 9");
        lines.Add(Node("$R", root.Path, root.Number));
        lines.Add("mkdir \"$R/dev/vmbus\"; mount --move /dev/vmbus \"$R/dev/vmbus\"");
        lines.Add(": > \"$R/dev/log\"; mount --bind /dev/log \"$R/dev/log\"");
        foreach (RootMount m in mounts) lines.AddRange(MountLines(m));
        lines.AddRange(RootShell.CopyBinary(daemonBinary, DaemonPath));
        lines.AddRange(RootShell.CopyBinary(guard, GuardPath));
        lines.AddRange(rootSetup);
        lines.Add("export HVD_SANDBOX_ALLOW=" + string.Join(',', _allowed));
        lines.Add("cd \"$R\"");
        lines.Add("pivot_root . .oldroot");

        var spec = new SandboxSpec(DaemonPath, "-n") { WorkParent = _scratch };
        spec.Mounts.Clear();   // /var/lib/hyperv and friends: nothing a VSS daemon needs
        spec.SetupLines.AddRange(lines);
        spec.ExecPrefix.AddRange([GuardPath, "check-exec"]);
        spec.Environment["HV_VSS_FROZEN_RECORD"] = "/run/hyperv-vss/frozen";   // the root's /run: the default
        if (environment is not null) foreach (var (k, v) in environment) spec.Environment[k] = v;
        _environment = spec.Environment;
        _sandbox = Sandbox.Start(Host, spec);
    }

    IEnumerable<string> MountLines(RootMount m)
    {
        string target = "\"$R\"" + RootShell.Quote(m.MountPoint);
        yield return "mkdir -p " + target;
        switch (m)
        {
            case RootMount.Zram z:
                ZramDevice d = NewZram(z.FsType);
                yield return Node("", d.Path, d.Number);
                yield return Node("$R", d.Path, d.Number);
                yield return $"mount -t {z.FsType} -o {z.Options} {d.Path} {target}";
                break;
            case RootMount.Tmpfs:
                yield return "mount -t tmpfs -o size=8m hvd-tmp " + target;
                break;
            case RootMount.Loop:
                (string loop, string number) = NewLoop();
                yield return Node("", loop, number);
                yield return Node("$R", loop, number);
                yield return $"mount -t ext4 {loop} {target}";
                yield return "losetup -d " + loop;   // autoclear: released with the namespace's mount
                break;
            case RootMount.Unfreezable:
                ZramDevice name = ZramDevice.Create(1L << 20);
                _zram.Add(name);
                _allowed.Add(name.Number);
                yield return Node("", name.Path, name.Number);
                yield return Node("$R", name.Path, name.Number);
                yield return $"mount -t tmpfs -o size=1m {name.Path} {target}";
                break;
            case RootMount.HostBind b:
                yield return $"mount --bind {RootShell.Quote(b.Source)} {target}; mount -o remount,bind,ro {target}";
                break;
            default:
                throw new ArgumentException("unknown mount " + m);
        }
    }

    ZramDevice NewZram(string fsType)
    {
        ZramDevice d = ZramDevice.Create(fsType == "xfs" ? 320L << 20 : 256L << 20);
        _zram.Add(d);
        d.Format(fsType);
        _allowed.Add(d.Number);
        return d;
    }

    (string Device, string Number) NewLoop()
    {
        string image = Path.Combine(_scratch, "loop" + _loops.Count + ".img");
        using (var f = File.Create(image)) f.SetLength(32L << 20);
        RootShell.Run("mkfs.ext4", "-q", "-F", "-L", "hvdvss", image);
        string device = RootShell.Run("losetup", "--find", "--show", image).Trim();
        _loops.Add((device, image));
        string number = File.ReadAllText("/sys/block/" + Path.GetFileName(device) + "/dev").Trim();
        _allowed.Add(number);
        return (device, number);
    }

    /// <summary>A block node for <paramref name="path"/> under <paramref name="prefix"/> (the
    /// namespace's private /dev before the pivot, or the new root's).</summary>
    static string Node(string prefix, string path, string number)
    {
        string[] n = number.Split(':');
        string at = prefix.Length == 0 ? RootShell.Quote(path) : "\"" + prefix + "\"" + RootShell.Quote(path);
        return $"[ -e {at} ] || mknod -m 600 {at} b {n[0]} {n[1]}";
    }

    /// <summary>A process of the namespace to nsenter through: the daemon, or a writer still running.</summary>
    int? InsidePid()
    {
        if (_sandbox is { HasExited: false }) return _sandbox.Pid;
        if (RestartedPid() is int restarted) return restarted;
        lock (_inside) return _inside.FirstOrDefault(p => !p.HasExited)?.Pid;
    }

    /// <summary>Starts a write+fsync of 4 KiB to <paramref name="path"/> inside the root.</summary>
    public NamespaceProcess StartWriter(string path) => Inside(GuardPath, "write-fsync", path);

    /// <summary>"frozen" or "free" for a mount point of the root ("err ..." otherwise); runs the
    /// mount check first, as it freezes for a moment.</summary>
    public string Probe(string mountPoint)
    {
        using NamespaceProcess p = Inside(GuardPath, "probe", "--allow", string.Join(',', _allowed), mountPoint);
        string result = p.Result;
        return result.StartsWith("exit 0: ok ", StringComparison.Ordinal) ? result["exit 0: ok ".Length..] : result;
    }

    /// <summary>FITHAW on every mount of the root's devices; false if nobody is left inside to ask.</summary>
    public bool ThawAll()
    {
        if (InsidePid() is null) return false;
        using NamespaceProcess p = Inside(GuardPath, "thaw-all", "--allow", string.Join(',', _allowed));
        return p.Finished(TimeSpan.FromSeconds(30));
    }

    NamespaceProcess Inside(string program, params string[] args)
    {
        int pid = InsidePid() ?? throw new InvalidOperationException("no process left in the sandbox's namespace");
        NamespaceProcess p = NamespaceProcess.Start(pid, program, args);
        if (args.Length > 0 && args[0] == "write-fsync") lock (_inside) _inside.Add(p);
        return p;
    }

    /// <summary>Syslog, launcher output and the devices, for assertion messages.</summary>
    public string Describe()
    {
        var sb = new StringBuilder(_sandbox?.Describe() ?? "not started\n");
        sb.Append("devices: ").Append(string.Join(' ', _zram.Select(z => z.Name).Concat(_loops.Select(l => l.Device)))).Append('\n');
        return sb.ToString();
    }

    public void Dispose()
    {
        try
        {
            // Thaw before anything is killed: a writer blocked on a frozen filesystem cannot die,
            // and a frozen filesystem keeps its device busy.
            ThawAll();
            lock (_inside) foreach (NamespaceProcess p in _inside) { p.Finished(TimeSpan.FromSeconds(10)); p.Dispose(); }
            StopRestarted();
            _sandbox?.Dispose();
        }
        finally
        {
            foreach (ZramDevice d in Enumerable.Reverse(_zram))
            {
                try { d.Dispose(); }
                catch (IOException e) { Console.Error.WriteLine("FreezeRoot: " + e.Message); }   // kept in the ledger for the next run
            }
            foreach ((string device, string image) in _loops) DetachLoop(device, image);
            try { Directory.Delete(_scratch, recursive: true); } catch (IOException) { }
        }
    }

    /// <summary>Detaches our loop device if it still holds our image (the namespace releases it late).</summary>
    static void DetachLoop(string device, string image)
    {
        string backing = "/sys/block/" + Path.GetFileName(device) + "/loop/backing_file";
        for (int i = 0; i < 100; i++)
        {
            string? file = null;
            try { file = File.ReadAllText(backing).Trim(); } catch (IOException) { }
            if (file != image) return;
            try { RootShell.Run("losetup", "-d", device); } catch (InvalidOperationException) { }
            System.Threading.Thread.Sleep(100);
        }
    }

    /// <summary>Removes work areas of test processes that are gone (killed before Dispose).</summary>
    static void SweepScratch()
    {
        foreach (string dir in Directory.GetDirectories(ScratchParent, ScratchPrefix + "*"))
        {
            string[] parts = Path.GetFileName(dir)[ScratchPrefix.Length..].Split('-');
            if (parts.Length != 2 || !int.TryParse(parts[0], out int pid) || Directory.Exists("/proc/" + pid)) continue;
            try { Directory.Delete(dir, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }

    static bool IsTmpfs(string dir)
    {
        if (!MountTable.TryRead("/proc/self/mounts", out List<MountEntry> mounts, out _)) return false;
        MountEntry? best = null;
        foreach (MountEntry m in mounts)
            if (dir == m.MountPoint || dir.StartsWith(m.MountPoint.TrimEnd('/') + "/", StringComparison.Ordinal))
                if (best is null || m.MountPoint.Length >= best.MountPoint.Length) best = m;
        return best is { FsType: "tmpfs", IsReadOnly: false };
    }

    static bool OnPath(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool))) return true;
        return false;
    }
}
