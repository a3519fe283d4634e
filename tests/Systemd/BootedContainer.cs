using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Threading;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Sandboxing;

namespace HvDaemons.Systemd;

/// <summary>
/// systemd as PID 1 of a container: `systemd-nspawn --boot --register=no --keep-unit
/// --private-network` over a root the test built, started inside a HostSim sandbox so that
/// the simulated /dev/vmbus (a FUSE mount with allow_other, which root in the container may
/// use) is bound in with --bind. systemctl runs through `nsenter -a` into the container's
/// PID 1, since an unregistered machine cannot be reached with --machine.
/// </summary>
public sealed class BootedContainer : IDisposable
{
    readonly Sandbox _sandbox;
    bool _disposed;

    BootedContainer(DebianRelease release, string root, SimHost host, Sandbox sandbox, int leader)
    {
        Release = release;
        Root = root;
        Host = host;
        _sandbox = sandbox;
        Leader = leader;
    }

    public DebianRelease Release { get; }

    /// <summary>The container's root directory on this machine (its own /tmp is a tmpfs inside).</summary>
    public string Root { get; }

    /// <summary>The simulated machine whose device nodes the container sees.</summary>
    public SimHost Host { get; }

    /// <summary>The container's PID 1 (systemd), as this machine numbers it.</summary>
    public int Leader { get; }

    /// <summary>Boots <paramref name="root"/>; throws (with the console output) unless systemd
    /// reports the system up within a minute.</summary>
    public static BootedContainer Boot(DebianRelease release, string root)
    {
        var clock = Stopwatch.StartNew();
        var host = new SimHost();
        var spec = new SandboxSpec(Command.Find("systemd-nspawn")!,
            "--boot", "--register=no", "--keep-unit", "--private-network", "--console=pipe",
            "--machine=hvd-" + release.Name, "--directory=" + root, "--bind=/dev/vmbus");
        // The daemons run inside the container, not in the sandbox: no work dirs of ours there.
        spec.Mounts.Clear();
        // nspawn keeps per-machine state below /run/systemd/nspawn: keep it in the namespace.
        spec.Mounts.Add(new SandboxMount.Tmpfs("/run/systemd/nspawn"));
        Sandbox sandbox = Sandbox.Start(host, spec);
        try
        {
            int leader = FindLeader(sandbox, TimeSpan.FromSeconds(20));
            var container = new BootedContainer(release, root, host, sandbox, leader);
            // is-system-running --wait returns once the boot finished ("running" or "degraded");
            // before PID 1 listens on its private socket it says "offline" at once.
            CommandResult up;
            string state;
            do
            {
                up = container.Systemctl(60, "is-system-running", "--wait");
                state = up.Stdout.Trim();
                if (state is "offline" or "") Thread.Sleep(200);
            } while (state is "offline" or "" && clock.Elapsed < TimeSpan.FromMinutes(1) && !sandbox.HasExited);
            if (state != "running" && state != "degraded")
                throw new InvalidOperationException(release.Name + " did not boot within a minute: " + up.Describe() + "\n" + sandbox.Describe());
            Console.Error.WriteLine(release.Name + " (systemd " + release.SystemdVersion + ") booted: " + state + " after " + clock.Elapsed.TotalSeconds.ToString("0.0") + " s");
            return container;
        }
        catch
        {
            sandbox.Dispose();
            throw;
        }
    }

    /// <summary>systemctl inside the container (no pager, no colours).</summary>
    public CommandResult Systemctl(params string[] args) => Systemctl(30, args);

    public CommandResult Systemctl(int timeoutSeconds, params string[] args)
    {
        var all = new List<string> { "--no-pager" };
        all.AddRange(args);
        return Exec(timeoutSeconds, "systemctl", all.ToArray());
    }

    /// <summary>Runs a program of the container's root in all of its namespaces.</summary>
    public CommandResult Exec(int timeoutSeconds, string program, params string[] args)
    {
        var all = new List<string> { "--target", Leader.ToString(), "--all", program };
        all.AddRange(args);
        return Command.Run("nsenter", all, timeoutSeconds, new Dictionary<string, string> { ["SYSTEMD_COLORS"] = "0" });
    }

    /// <summary>`systemctl show -p ...` as a dictionary (repeated keys joined by ", ").</summary>
    public Dictionary<string, string> Show(string unit, params string[] properties)
    {
        CommandResult r = Systemctl("show", "-p", string.Join(',', properties), unit);
        if (r.ExitCode != 0) throw new InvalidOperationException("systemctl show " + unit + ": " + r.Describe());
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in r.Stdout.Split('\n'))
        {
            int eq = line.IndexOf('=');
            if (eq <= 0) continue;
            string key = line[..eq], value = line[(eq + 1)..];
            // A list property (DeviceAllow) comes as one line per entry: keep them all.
            values[key] = values.TryGetValue(key, out string? earlier) && earlier.Length > 0 ? earlier + ", " + value : value;
        }
        return values;
    }

    /// <summary>Polls `systemctl show` until <paramref name="done"/> holds; the last values either way.</summary>
    public Dictionary<string, string> WaitShow(string unit, Func<Dictionary<string, string>, bool> done, TimeSpan timeout,
                                               params string[] properties)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Dictionary<string, string> v = Show(unit, properties);
            if (done(v) || clock.Elapsed > timeout) return v;
            Thread.Sleep(100);
        }
    }

    /// <summary>The unit's journal and the container's console, for assertion messages.</summary>
    public string Describe(string unit)
    {
        CommandResult j = Exec(20, "journalctl", "--no-pager", "-o", "short-monotonic", "-n", "40", "-u", unit);
        return Release.Codename + " (systemd " + Release.SystemdVersion + "), journal of " + unit + ":\n" + j.Stdout + j.Stderr;
    }

    // nspawn forks the container's init into new namespaces: it is the descendant of nspawn
    // whose innermost pid is 1.
    static int FindLeader(Sandbox sandbox, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (sandbox.HasExited) break;
            var todo = new Stack<int>();
            todo.Push(sandbox.Pid);
            while (todo.Count > 0)
            {
                int pid = todo.Pop();
                if (pid != sandbox.Pid && InnermostPid(pid) == 1) return pid;
                foreach (int child in Children(pid)) todo.Push(child);
            }
            Thread.Sleep(50);
        }
        throw new InvalidOperationException("no container init under systemd-nspawn: " + sandbox.Describe());
    }

    static IEnumerable<int> Children(int pid)
    {
        string text;
        try { text = File.ReadAllText("/proc/" + pid + "/task/" + pid + "/children"); }
        catch (IOException) { yield break; }
        catch (UnauthorizedAccessException) { yield break; }
        foreach (string w in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            if (int.TryParse(w, out int c)) yield return c;
    }

    static int InnermostPid(int pid)
    {
        try
        {
            foreach (string line in File.ReadLines("/proc/" + pid + "/status"))
                if (line.StartsWith("NSpid:", StringComparison.Ordinal))
                {
                    string[] ids = line[6..].Split('\t', ' ', StringSplitOptions.RemoveEmptyEntries);
                    return ids.Length > 1 && int.TryParse(ids[^1], out int inner) ? inner : -1;
                }
        }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
        return -1;
    }

    /// <summary>Shuts the container down (SIGTERM to nspawn halts it cleanly), else kills its
    /// init, which takes every process of its pid namespace along.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        _sandbox.Terminate();
        if (_sandbox.WaitForExit(TimeSpan.FromSeconds(30)) is null)
        {
            try { using Process init = Process.GetProcessById(Leader); init.Kill(); }
            catch (ArgumentException) { }
            catch (InvalidOperationException) { }
            _sandbox.WaitForExit(TimeSpan.FromSeconds(10));
        }
        _sandbox.Dispose();
    }
}
