using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Runtime.InteropServices;
using System.Threading.Tasks;
using HvDaemons.Os;
using HvDaemons.Testing.Freeze;
using HvDaemons.Vss;
using Tmds.Linux;

namespace HvDaemons.Tests.VssDriver;

/// <summary>
/// The sandbox's first process (after pivot_root). It detaches the old root, refuses to go on
/// unless every mount is one the test made (<see cref="SandboxMountCheck"/>), then runs one
/// command per stdin line for the test outside and answers one line each ("ok ..." / "err ...").
/// Whatever happens, it thaws every sandbox filesystem before it exits.
/// </summary>
static unsafe class SandboxAgent
{
    static readonly Dictionary<string, Process> Writers = new();
    static readonly List<string> DaemonStderr = new();
    static string[] _allowed = [];
    static Process? _daemon;
    static SyslogSink? _syslog;

    public static int Run(string[] allowed)
    {
        _allowed = allowed;
        string? error = MountGuard.DetachOldRoot();
        if (error is not null) { Console.WriteLine("err " + error); return 96; }
        string verdict = MountGuard.Check(allowed, out bool safe);
        Console.WriteLine(verdict);
        if (!safe) return 97;
        using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, _ => ThawAll());
        try
        {
            _syslog = new SyslogSink("/dev/log");
            string? line;
            while ((line = Console.ReadLine()) is not null && line != "quit")
            {
                string reply;
                try { reply = Execute(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)); }
                catch (Exception e) { reply = "err " + e.GetType().Name + ": " + e.Message; }
                Console.WriteLine(reply.Replace('\n', ' '));
            }
            return 0;
        }
        finally
        {
            // Thaw first: a writer blocked on a frozen filesystem cannot even be killed.
            ThawAll();
            foreach (Process p in Writers.Values) Kill(p);
            if (_daemon is not null) Kill(_daemon);
            _syslog?.Dispose();
        }
    }

    static string Execute(string[] a) => a[0] switch
    {
        "daemon-start" => StartDaemon(a[1..]),
        "op" => Op(byte.Parse(a[1]), int.Parse(a[2])),
        "daemon-signal" => Signal(a[1]),
        "daemon-wait" => _daemon!.WaitForExit(int.Parse(a[1])) ? "ok exited " + _daemon.ExitCode : "ok running",
        "daemon-close-stdin" => CloseDaemonInput(),
        "writer-start" => StartWriter(a[1], a[2]),
        "writer-wait" => Writers[a[1]].WaitForExit(int.Parse(a[2]))
            ? "ok done " + Writers[a[1]].ExitCode + " " + Writers[a[1]].StandardOutput.ReadToEnd().Trim()
            : "ok blocked",
        "probe" => FreezeProbe.Probe(a[1], _allowed),
        "thaw-all" => "ok " + ThawAll(),
        "logs" => "ok " + string.Join("\u001f", _syslog!.Lines),
        "stderr" => "ok " + string.Join("\u001f", DaemonStderr),
        "ping" => "ok pong",
        _ => "err unknown command " + a[0],
    };

    static string StartDaemon(string[] env)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!, "serve")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        psi.Environment["HV_SYSLOG_SOCKET"] = "/dev/log";
        foreach (string kv in env)
        {
            int eq = kv.IndexOf('=');
            psi.Environment[kv[..eq]] = kv[(eq + 1)..];
        }
        _daemon = Process.Start(psi)!;
        _daemon.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (DaemonStderr) DaemonStderr.Add(e.Data); };
        _daemon.BeginErrorReadLine();
        return "ok " + _daemon.Id;
    }

    /// <summary>Sends one 12-byte request and waits for the 12-byte reply; answers its status in hex.</summary>
    static string Op(byte op, int timeoutMs)
    {
        var m = new byte[12];
        m[0] = op;
        Stream input = _daemon!.StandardInput.BaseStream;
        input.Write(m);
        input.Flush();
        var reply = new byte[12];
        Task read = _daemon.StandardOutput.BaseStream.ReadExactlyAsync(reply).AsTask();
        if (!read.Wait(timeoutMs)) return "err no reply within " + timeoutMs + " ms";
        return "ok " + BitConverter.ToUInt32(reply, 0).ToString("x");
    }

    static string Signal(string name)
    {
        int sig = name switch { "TERM" => LibC.SIGTERM, "INT" => LibC.SIGINT, "HUP" => LibC.SIGHUP, _ => throw new ArgumentException(name) };
        return LibC.kill(_daemon!.Id, sig) == 0 ? "ok" : "err kill " + LibC.errno;
    }

    static string CloseDaemonInput()
    {
        _daemon!.StandardInput.Close();
        return "ok";
    }

    static string StartWriter(string name, string path)
    {
        var psi = new ProcessStartInfo(Environment.ProcessPath!, ["write-fsync", path])
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        Writers[name] = Process.Start(psi)!;
        return "ok";
    }

    static int ThawAll() => FreezeProbe.ThawAll(_allowed);

    static void Kill(Process p)
    {
        try
        {
            if (!p.HasExited) p.Kill();
            p.WaitForExit(5000);
        }
        catch (InvalidOperationException) { }
    }
}
