using System;
using System.IO;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>The initramfs-tools hook asks initramfs-tools for the daemon and the Hyper-V
/// modules (copy_exec and manual_add_modules stubbed: the real ones copy the libraries ldd
/// names), init-premount waits only on Hyper-V and only for the KVP channel, dracut's
/// ExecCondition= script likewise, and init-bottom stops only our daemon. Each runs in a
/// private mount namespace with tmpfs over the folders it reads (/usr/share, /usr/sbin, /run,
/// /dev, /sys/bus).</summary>
public sealed partial class InitramfsTests
{
    const string HookFunctions = """
        copy_exec() { echo "copy_exec $*" >>"$CALLS"; }
        manual_add_modules() { echo "manual_add_modules $*" >>"$CALLS"; }
        """;

    static CommandResult RunHook(TempTree t, bool daemonPresent, string arg = "")
    {
        string hook = Path.Combine(PackagingEnvironment.RepoRoot, "packaging/initramfs-tools/hooks/hv_kvp_daemon");
        string q(string s) => Command.Quote(s);
        t.Write("hook-functions", HookFunctions);
        File.WriteAllText(t["calls"], "");
        return Command.InMountNamespace($"""
            mount -t tmpfs hvd-share /usr/share || exit 90
            mount -t tmpfs hvd-sbin /usr/sbin || exit 91
            mkdir -p /usr/share/initramfs-tools
            cp {q(t["hook-functions"])} /usr/share/initramfs-tools/hook-functions
            {(daemonPresent ? "printf '#!/bin/sh\\n' >/usr/sbin/hv_kvp_daemon; chmod 755 /usr/sbin/hv_kvp_daemon" : "")}
            sed 's|@sbindir@|/usr/sbin|g' {q(hook)} >{q(t["hook"])}
            CALLS={q(t["calls"])} sh {q(t["hook"])} {arg}
            """);
    }

    [SkippableFact]
    public void Hook_copies_the_daemon_with_its_libraries_and_adds_the_hyperv_modules()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("hook");

        CommandResult r = RunHook(t, daemonPresent: true);

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal(["copy_exec /usr/sbin/hv_kvp_daemon /sbin", "manual_add_modules hv_vmbus hv_utils"],
                     File.ReadAllLines(t["calls"]));
    }

    [SkippableFact]
    public void Hook_without_the_daemon_warns_and_adds_nothing()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("hook");

        CommandResult r = RunHook(t, daemonPresent: false);

        Assert.Equal(0, r.ExitCode);
        Assert.Contains("W: hv_kvp_daemon: /usr/sbin/hv_kvp_daemon is missing", r.Stderr);
        Assert.Empty(File.ReadAllLines(t["calls"]));
    }

    [SkippableFact]
    public void Hook_prereqs_names_none_and_does_nothing_else()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("hook");

        CommandResult r = RunHook(t, daemonPresent: true, arg: "prereqs");

        Assert.Equal((0, "\n"), (r.ExitCode, r.Stdout));
        Assert.Empty(File.ReadAllLines(t["calls"]));
    }

    [SkippableFact]
    public void Init_bottom_stops_the_daemon_it_started_and_never_another_process()
    {
        PackagingEnvironment.RequireRoot();
        using var t = new TempTree("bottom");
        string script = Path.Combine(PackagingEnvironment.RepoRoot, "packaging/initramfs-tools/scripts/init-bottom/hv_kvp_daemon");
        string q(string s) => Command.Quote(s);
        string sleep = Command.Find("sleep")!;
        File.Copy(sleep, t["hv_kvp_daemon"]);   // a stand-in whose command line names the daemon

        // The pid file names our stand-in: it is stopped and the file removed. Then a pid file
        // naming an unrelated process (a reused pid): that process must survive.
        CommandResult r = Command.InMountNamespace($"""
            mount -t tmpfs hvd-run /run || exit 90
            {q(t["hv_kvp_daemon"])} 300 & daemon=$!
            {sleep} 300 & other=$!
            echo $daemon >/run/hv_kvp_daemon.initramfs.pid
            sh {q(script)}; echo "first=$? pidfile=$([ -e /run/hv_kvp_daemon.initramfs.pid ] && echo kept || echo removed)"
            wait $daemon 2>/dev/null; [ -d /proc/$daemon ] && echo daemon=alive || echo daemon=gone
            echo $other >/run/hv_kvp_daemon.initramfs.pid
            sh {q(script)}; echo "second=$?"
            [ -d /proc/$other ] && echo other=alive || echo other=gone
            kill $other
            """);

        Assert.True(r.ExitCode == 0, r.Describe());
        Assert.Equal("first=0 pidfile=removed\ndaemon=gone\nsecond=0\nother=alive\n", r.Stdout);
    }
}
