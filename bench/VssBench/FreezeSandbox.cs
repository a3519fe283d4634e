using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text;
using System.Threading.Tasks;
using HvDaemons.Testing.Freeze;

namespace HvDaemons.Bench.Sandbox;

/// <summary>One mount of the sandbox, made in the order given.</summary>
public abstract record SandboxMount(string MountPoint);
/// <summary>A fresh zram device with a new filesystem.</summary>
public sealed record ZramMount(string MountPoint, string FsType, string Options = "rw") : SandboxMount(MountPoint);
public sealed record TmpfsMount(string MountPoint) : SandboxMount(MountPoint);
/// <summary>An ext4 image on a tmpfs, mounted through a loop device (so its writes never reach a frozen disk).</summary>
public sealed record LoopMount(string MountPoint) : SandboxMount(MountPoint);

/// <summary>
/// A private world to freeze in. The test side creates zram devices and filesystems; then
/// <c>unshare --mount --propagation private</c> runs a shell that mounts them (root first) with
/// fresh /proc, /sys and a tmpfs /dev holding only the nodes needed, copies the driver and its
/// libraries in, pivot_root()s into it and execs the driver's agent. The agent detaches the old
/// root and checks every mount against the devices made here before anything is frozen; if the
/// check fails the sandbox never starts. Nothing of this is visible outside the namespace, and
/// Dispose removes every device made (<see cref="ZramDevice"/>).
/// </summary>
public sealed class FreezeSandbox : IDisposable
{
    readonly List<ZramDevice> _devices = new();
    readonly string _dir;
    Process? _process;
    readonly StringBuilder _stderr = new();

    FreezeSandbox()
    {
        _dir = Directory.CreateTempSubdirectory("hvd-vss-sandbox-").FullName;
    }

    /// <summary>What the agent said after its mount check ("safe ..."), for the record.</summary>
    public string Greeting { get; private set; } = "";

    public static FreezeSandbox Start(string rootFsType, params SandboxMount[] mounts)
    {
        var sb = new FreezeSandbox();
        try
        {
            sb.Launch(rootFsType, mounts);
            return sb;
        }
        catch
        {
            sb.Dispose();
            throw;
        }
    }

    void Launch(string rootFsType, SandboxMount[] mounts)
    {
        string driver = DriverBuild.Path;
        ZramDevice root = NewDevice(rootFsType, 256L << 20);
        var script = new StringBuilder();
        script.AppendLine("set -eu");
        script.AppendLine("R=" + Quote(_dir));
        script.AppendLine($"mount -t {rootFsType} {root.Path} \"$R\"");
        script.AppendLine("mkdir -p \"$R/proc\" \"$R/sys\" \"$R/dev\" \"$R/hvd\" \"$R/.oldroot\"");
        script.AppendLine("mount -t proc proc \"$R/proc\"");
        script.AppendLine("mount -t sysfs sysfs \"$R/sys\"");
        script.AppendLine("mount -t tmpfs -o mode=755,size=8m hvd-dev \"$R/dev\"");
        script.AppendLine("mknod -m 666 \"$R/dev/null\" c 1 3");
        script.AppendLine(Node(root));
        script.AppendLine("ALLOW=" + root.Number);
        foreach (SandboxMount m in mounts)
        {
            script.AppendLine("mkdir -p \"$R\"" + Quote(m.MountPoint));
            switch (m)
            {
                case ZramMount z:
                    ZramDevice d = NewDevice(z.FsType, z.FsType == "xfs" ? 320L << 20 : 256L << 20);
                    script.AppendLine(Node(d));
                    script.AppendLine($"mount -t {z.FsType} -o {z.Options} {d.Path} \"$R\"{Quote(m.MountPoint)}");
                    script.AppendLine("ALLOW=\"$ALLOW," + d.Number + "\"");
                    break;
                case TmpfsMount:
                    script.AppendLine("mount -t tmpfs -o size=8m hvd-tmp \"$R\"" + Quote(m.MountPoint));
                    break;
                case LoopMount:
                    script.AppendLine("mkdir -p \"$R/images\"; mountpoint -q \"$R/images\" || mount -t tmpfs -o size=64m hvd-images \"$R/images\"");
                    script.AppendLine("truncate -s 32M \"$R/images/loop.img\"; mkfs.ext4 -q -F \"$R/images/loop.img\"");
                    script.AppendLine("L=$(losetup -f --show \"$R/images/loop.img\")");
                    script.AppendLine("N=$(cat /sys/block/${L#/dev/}/dev)");
                    script.AppendLine("mknod -m 600 \"$R$L\" b ${N%:*} ${N#*:}");
                    script.AppendLine("mount \"$L\" \"$R\"" + Quote(m.MountPoint));
                    script.AppendLine("losetup -d \"$L\"");   // detaches by itself once unmounted
                    script.AppendLine("ALLOW=\"$ALLOW,$N\"");
                    break;
            }
        }
        foreach (string line in RootShell.CopyBinary(driver, "/hvd/hvd-vss-driver")) script.AppendLine(line);
        script.AppendLine("cd \"$R\"");
        script.AppendLine("pivot_root . .oldroot");
        script.AppendLine("exec /hvd/hvd-vss-driver sandbox-init --allow \"$ALLOW\"");

        var psi = new ProcessStartInfo("unshare",
            ["--mount", "--propagation", "private", "--fork", "--kill-child=SIGTERM", "sh", "-c", script.ToString()])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        _process = Process.Start(psi)!;
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_stderr) _stderr.AppendLine(e.Data); };
        _process.BeginErrorReadLine();
        string? greeting = ReadLine(120_000);
        Greeting = greeting ?? "";
        if (greeting is null || !greeting.StartsWith("safe ", StringComparison.Ordinal))
            throw new InvalidOperationException("sandbox did not start safely: " + greeting + "\n" + Stderr);
    }

    ZramDevice NewDevice(string fsType, long size)
    {
        ZramDevice d = ZramDevice.Create(size);
        _devices.Add(d);
        d.Format(fsType);
        return d;
    }

    static string Node(ZramDevice d)
    {
        string[] n = d.Number.Split(':');
        return $"mknod -m 600 \"$R{d.Path}\" b {n[0]} {n[1]}";
    }

    static string Quote(string s) => RootShell.Quote(s);

    public string Stderr { get { lock (_stderr) return _stderr.ToString(); } }

    string? ReadLine(int timeoutMs)
    {
        Task<string?> line = _process!.StandardOutput.ReadLineAsync();
        return line.Wait(timeoutMs) ? line.Result : null;
    }

    /// <summary>Runs one agent command and returns its answer without the "ok " prefix; throws on "err".</summary>
    public string Send(string command, int timeoutMs = 60_000)
    {
        _process!.StandardInput.WriteLine(command);
        _process.StandardInput.Flush();
        string? reply = ReadLine(timeoutMs) ?? throw new TimeoutException("no answer to '" + command + "'\n" + Stderr);
        if (!reply.StartsWith("ok", StringComparison.Ordinal))
            throw new InvalidOperationException("'" + command + "' -> " + reply + "\n" + Stderr);
        return reply.Length > 3 ? reply[3..] : "";
    }

    /// <summary>The daemon's syslog lines so far, each "&lt;severity&gt; message".</summary>
    public string[] Logs() => Send("logs").Split('\u001f', StringSplitOptions.RemoveEmptyEntries);

    public void Dispose()
    {
        try
        {
            if (_process is not null && !_process.HasExited)
            {
                try
                {
                    _process.StandardInput.WriteLine("quit");
                    _process.StandardInput.Flush();
                }
                catch (IOException) { }
                // The agent thaws everything before it exits; killing unshare sends it SIGTERM,
                // on which it thaws too.
                if (!_process.WaitForExit(30_000)) _process.Kill();
                _process.WaitForExit(30_000);
            }
        }
        finally
        {
            foreach (ZramDevice d in Enumerable.Reverse(_devices)) d.Dispose();
            try { Directory.Delete(_dir, recursive: false); } catch (IOException) { }
        }
    }
}
