using System;
using System.Collections.Generic;
using System.IO;

namespace HvDaemons.HostSim.Sandboxing;

/// <summary>A mount made inside the sandbox's private mount namespace.</summary>
public abstract record SandboxMount(string Target)
{
    /// <summary>A fresh directory of the test's work area bind-mounted at Target: the daemon's
    /// files there stay readable by the test (<see cref="Sandbox.HostPath"/>) after it exits.</summary>
    public sealed record HostDir(string Target) : SandboxMount(Target);

    /// <summary>A tmpfs at Target; <paramref name="Size"/> (e.g. "64k") makes ENOSPC easy to reach.</summary>
    public sealed record Tmpfs(string Target, string? Size = null, string Mode = "0755") : SandboxMount(Target);

    /// <summary>An existing path of the test's bind-mounted at Target.</summary>
    public sealed record Bind(string Target, string Source, bool ReadOnly = false) : SandboxMount(Target);
}

/// <summary>
/// What runs in a sandbox and what it sees. Defaults give a daemon the world it expects:
/// /dev/vmbus with the simulated nodes, /dev/log, and writable /var/lib/hyperv and
/// /usr/libexec/hypervkvpd. Tests extend it with mounts, seeded files and setup shell lines.
/// </summary>
public sealed class SandboxSpec
{
    public SandboxSpec(string program, params string[] args)
    {
        Program = program;
        Args = new List<string>(args);
    }

    /// <summary>Absolute path of the executable (run as the namespace's last exec, so its pid is the sandbox's).</summary>
    public string Program { get; set; }
    public List<string> Args { get; }

    /// <summary>Extra environment variables (the rest is inherited from the test process).</summary>
    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>Mounts made after /dev is set up, in order. Missing mount points are created
    /// on a namespace-private shadow of their parent, never on the real filesystem.</summary>
    public List<SandboxMount> Mounts { get; } = new()
    {
        new SandboxMount.HostDir("/var/lib/hyperv"),
        new SandboxMount.HostDir("/usr/libexec/hypervkvpd"),
    };

    /// <summary>Files to create before the program starts, by absolute path inside the sandbox;
    /// each must lie under one of <see cref="Mounts"/> (HostDir or Tmpfs).</summary>
    public Dictionary<string, (byte[] Content, UnixFileMode Mode)> Files { get; } = new(StringComparer.Ordinal);

    /// <summary>Shell lines run as root inside the namespace after mounts and files, right
    /// before the exec (e.g. building a fake /sys/class/net, or a pivot into a test root).
    /// $HVSIM_WORK names the sandbox's work directory.</summary>
    public List<string> SetupLines { get; } = new();

    /// <summary>Words put before the program in the final exec (e.g. "chroot", "/newroot").</summary>
    public List<string> ExecPrefix { get; } = new();

    /// <summary>Where the sandbox's work directory is made (default: the temp directory). Its
    /// filesystem backs the /dev/log bind and HostDir mounts; a test that freezes inside the
    /// sandbox puts it on a tmpfs, so that no mount there is backed by the machine's disk.</summary>
    public string? WorkParent { get; set; }

    /// <summary>Mount the simulated /dev (tmpfs with null/zero/random/urandom/full/tty, /dev/vmbus, /dev/log).</summary>
    public bool PrivateDev { get; set; } = true;

    public SandboxSpec WithFile(string path, string content, UnixFileMode mode = (UnixFileMode)0x1a4)
        => WithFile(path, System.Text.Encoding.UTF8.GetBytes(content), mode);

    public SandboxSpec WithFile(string path, byte[] content, UnixFileMode mode = (UnixFileMode)0x1a4)
    {
        Files[path] = (content, mode);
        return this;
    }

    /// <summary>The daemon <paramref name="name"/> from <paramref name="binDir"/>, in the foreground.</summary>
    public static SandboxSpec ForDaemon(string binDir, string name, params string[] extraArgs)
    {
        var spec = new SandboxSpec(Path.GetFullPath(Path.Combine(binDir, name)), "-n");
        spec.Args.AddRange(extraArgs);
        return spec;
    }
}
