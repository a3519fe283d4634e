using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Cli;

/// <summary>
/// The demo transcript: each daemon in its own sandbox, the host's requests and the answers,
/// device events and syslog lines as they happen, then the files the daemon left behind.
/// It fails (exit 1) if a daemon does not register, leaves a request unanswered, or does not
/// stop cleanly on SIGTERM; what the placeholder services answer is reported, not judged.
/// </summary>
internal sealed partial class Demo(string binDir)
{
    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    readonly object _console = new();
    readonly List<string> _failures = new();

    public int Run()
    {
        Say("Simulated Hyper-V host: daemons from " + Path.GetFullPath(binDir));
        RunKvp();
        RunVss();
        RunVssHooks();
        RunFcopy();
        Say("");
        if (_failures.Count == 0)
        {
            Say("demo: all three daemons registered, answered the host and stopped cleanly.");
            return 0;
        }
        foreach (string f in _failures) Say("DEMO FAILED: " + f);
        return 1;
    }

    void RunKvp()
    {
        var host = new SimHost();
        using Sandbox? sb = Begin(host, host.Kernel.Kvp, "hv_kvp_daemon");
        if (sb is null) return;
        Ask("KVP SET pool GUEST \"DemoKey\" = \"hello from the host\"", () => host.Kvp.Set(KvpPoolId.Guest, "DemoKey", "hello from the host"));
        Ask("KVP SET pool GUEST \"DemoCount\" = REG_U32 42 (the kernel renders \"42\")", () => host.Kvp.SetU32(KvpPoolId.Guest, "DemoCount", 42));
        Ask("KVP GET pool GUEST \"DemoKey\"", () => host.Kvp.Get(KvpPoolId.Guest, "DemoKey"));
        Ask("KVP ENUMERATE pool AUTO index 0", () => host.Kvp.Enumerate(KvpPoolId.Auto, 0));
        Ask("KVP DELETE pool GUEST \"DemoCount\"", () => host.Kvp.Delete(KvpPoolId.Guest, "DemoCount"));
        Ask("KVP GET_IP_INFO adapter \"00155D000001\"", () => host.Kvp.GetIpInfo("00155D000001"));
        Guest(sb, "set", "FromTheGuest", "written by hv_kvp_client");
        Ask("KVP GET pool GUEST \"FromTheGuest\"", () => host.Kvp.Get(KvpPoolId.Guest, "FromTheGuest"));
        Guest(sb, "--pool", "1", "list");
        End(sb);
        ShowFiles(sb, "/var/lib/hyperv");
    }

    void RunVss()
    {
        var host = new SimHost();
        using Sandbox? sb = Begin(host, host.Kernel.Vss, "hv_vss_daemon");
        if (sb is null) return;
        // FREEZE is not sent: here the sandbox sees the machine's own filesystems.
        Ask("VSS HOT_BACKUP (may the host back up without freezing?)", () => host.Vss.HotBackup());
        Ask("VSS GET_DM_INFO (answered by the kernel itself)", () => host.Vss.GetDmInfo());
        End(sb);
    }

    void RunFcopy()
    {
        var host = new SimHost();
        using Sandbox? sb = Begin(host, host.Kernel.Fcopy, "hv_fcopy_daemon");
        if (sb is null) return;
        string target = Path.Combine(sb.WorkDirectory, "incoming");
        byte[] content = Encoding.UTF8.GetBytes(string.Concat(System.Linq.Enumerable.Repeat("Copied by the simulated host.\n", 300)));
        Ask("FCOPY START_FILE_COPY \"demo.txt\" to " + target + " (CREATE_PATH|OVER_WRITE, " + content.Length + " B)",
            () => host.Fcopy.Start("demo.txt", target, FcopyOp.CreatePath | FcopyOp.OverWrite, (ulong)content.Length));
        for (int off = 0; off < content.Length; off += FcopyLayout.DataFragment)
        {
            int n = Math.Min(FcopyLayout.DataFragment, content.Length - off);
            Ask("FCOPY WRITE_TO_FILE offset " + off + ", " + n + " B", () => host.Fcopy.Write((ulong)off, content.AsSpan(off, n)));
        }
        Ask("FCOPY COMPLETE_FCOPY", () => host.Fcopy.Complete());
        string copied = Path.Combine(target, "demo.txt");
        if (File.Exists(copied))
        {
            byte[] got = File.ReadAllBytes(copied);
            Say("  files:  " + copied + ": " + got.Length + " B, " + (got.AsSpan().SequenceEqual(content) ? "identical to what the host sent" : "DIFFERENT from what the host sent"));
        }
        else
        {
            Say("  files:  no " + copied + " (this build's fcopy service did not write it)");
        }
        End(sb);
    }

    Sandbox? Begin(SimHost host, SimService device, string daemon)
    {
        Say("");
        Say("=== " + daemon + " " + new string('=', Math.Max(3, 60 - daemon.Length)));
        string path = Path.Combine(binDir, daemon);
        if (!File.Exists(path))
        {
            _failures.Add(path + " is missing (run ./build.sh)");
            Say("  missing " + path);
            return null;
        }
        // Routine transitions and the host lines repeat what the transcript says already.
        device.Event += line =>
        {
            if (line.StartsWith("host ", StringComparison.Ordinal)) return;
            if (line.StartsWith("state ", StringComparison.Ordinal) && !line.Contains("DeviceInit", StringComparison.Ordinal)) return;
            Say("  device: " + line);
        };
        Sandbox sb = Sandbox.Start(host, SandboxSpec.ForDaemon(binDir, daemon));
        sb.Log.Received += line => Say("  syslog: " + line);
        Say("  host:   started " + daemon + " -n in a private mount namespace, pid " + sb.Pid);
        if (!device.WaitReady(Bound))
        {
            _failures.Add(daemon + " did not register\n" + sb.Describe());
            return sb;
        }
        Say("  host:   /dev/vmbus/" + device.Name + " is READY (the daemon read the registration reply)");
        return sb;
    }

    void Ask(string what, Func<object> call)
    {
        Say("  host:   " + what);
        string answer = call().ToString() ?? "";
        Say("       -> " + answer);
        if (answer == "no answer") _failures.Add(what + ": no answer within " + Bound.TotalSeconds + " s");
    }

    /// <summary>hv_kvp_client on the daemon's pool folder, beside the running daemon.</summary>
    void Guest(Sandbox sb, params string[] args)
    {
        string client = Path.Combine(binDir, "hv_kvp_client");
        Say("  guest:  hv_kvp_client " + string.Join(" ", args));
        if (!File.Exists(client))
        {
            _failures.Add(client + " is missing (run ./build.sh)");
            return;
        }
        var psi = new System.Diagnostics.ProcessStartInfo(client) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (string a in (string[])["--dir", sb.HostPath("/var/lib/hyperv"), .. args]) psi.ArgumentList.Add(a);
        using var p = System.Diagnostics.Process.Start(psi)!;
        string output = p.StandardOutput.ReadToEnd() + p.StandardError.ReadToEnd();
        p.WaitForExit();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries)) Say("       | " + line);
        if (p.ExitCode != 0) _failures.Add("hv_kvp_client " + string.Join(" ", args) + " exited " + p.ExitCode);
    }

    void End(Sandbox sb)
    {
        sb.Terminate();
        int? status = sb.WaitForExit(Bound);
        Say("  host:   SIGTERM -> daemon exited with status " + (status?.ToString() ?? "(still running)"));
        if (status != 0) _failures.Add(Path.GetFileName(sb.Spec.Program) + " did not stop cleanly on SIGTERM\n" + sb.Describe());
    }

    void ShowFiles(Sandbox sb, string dir)
    {
        string hostDir = sb.HostPath(dir);
        string[] files = Directory.Exists(hostDir) ? Directory.GetFiles(hostDir) : Array.Empty<string>();
        Array.Sort(files, StringComparer.Ordinal);
        if (files.Length == 0) Say("  files:  " + dir + " is empty");
        foreach (string f in files)
        {
            byte[] b = File.ReadAllBytes(f);
            Say("  files:  " + dir + "/" + Path.GetFileName(f) + ": " + b.Length + " B" + (b.Length > 0 ? ", starts " + Hex(b) : ""));
        }
    }

    static string Hex(byte[] b)
    {
        var sb = new StringBuilder();
        for (int i = 0; i < Math.Min(24, b.Length); i++) sb.Append(b[i].ToString("x2")).Append(i % 4 == 3 ? " " : "");
        sb.Append(" |");
        for (int i = 0; i < Math.Min(24, b.Length); i++) sb.Append(b[i] is >= 0x20 and < 0x7f ? (char)b[i] : '.');
        return sb.Append('|').ToString();
    }

    void Say(string line)
    {
        lock (_console) Console.WriteLine(line);
    }
}
