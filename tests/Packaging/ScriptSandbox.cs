using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>
/// Runs one of packaging/scripts in a private mount namespace with fresh tmpfs over /etc and
/// /run (seeded by the test), and a PATH of stubs (nmcli, networkctl, ifup, ... which record
/// their arguments) plus only the basic tools the scripts use, so no real network tool of the
/// machine is ever reached. /etc and /run as the script left them are copied out afterwards.
/// </summary>
public sealed class ScriptSandbox : IDisposable
{
    static readonly string[] BasicTools =
        ["sh", "awk", "sed", "grep", "cat", "tr", "head", "tail", "mkdir", "chmod", "mv", "rm", "paste", "dirname", "sort", "env", "mktemp", "cp"];

    readonly TempTree _tree = new("script");

    public ScriptSandbox()
    {
        PackagingEnvironment.RequireRoot();
        Directory.CreateDirectory(_tree["bin"]);
        Directory.CreateDirectory(_tree["stubs"]);
        Directory.CreateDirectory(_tree["seed/etc"]);
        Directory.CreateDirectory(_tree["seed/run"]);
        foreach (string t in BasicTools)
        {
            string? real = Command.Find(t);
            Assert.True(real is not null, t + " is missing");
            // The final target: /usr/bin/awk leads through /etc/alternatives, which the tmpfs hides.
            string target = new FileInfo(real!).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? real!;
            File.CreateSymbolicLink(_tree["bin/" + t], target);
        }
        File.WriteAllText(_tree["calls"], "");
    }

    public int ExitCode { get; private set; } = -1;
    public string Stdout { get; private set; } = "";
    public string Stderr { get; private set; } = "";

    /// <summary>The stubs' invocations, "name args", in order.</summary>
    public string[] Calls => File.ReadAllLines(_tree["calls"]);

    /// <summary>A file at an absolute /etc or /run path before the script runs.</summary>
    public ScriptSandbox Seed(string path, string content)
    {
        Assert.True(path.StartsWith("/etc/", StringComparison.Ordinal) || path.StartsWith("/run/", StringComparison.Ordinal), path);
        _tree.Write("seed" + path, content);
        return this;
    }

    public ScriptSandbox SeedDirectory(string path)
    {
        Directory.CreateDirectory(_tree["seed" + path]);
        return this;
    }

    /// <summary>A command on PATH that records "name args" and then runs <paramref name="body"/> (sh).</summary>
    public ScriptSandbox Stub(string name, string body = "exit 0")
    {
        _tree.Write("stubs/" + name, "#!/bin/sh\necho \"" + name + " $*\" >>\"$CALLS\"\n" + body + "\n", (UnixFileMode)0x1ed);
        return this;
    }

    /// <summary>A file outside the sandboxed folders (e.g. the daemon's ifcfg file), by name.</summary>
    public string HostFile(string name, string content) => _tree.Write("host/" + name, content);

    /// <summary>/etc or /run as the script left them; null when the file was not written.</summary>
    public string? Result(string path) => File.Exists(_tree["result" + path]) ? File.ReadAllText(_tree["result" + path]) : null;

    public UnixFileMode ResultMode(string path) => File.GetUnixFileMode(_tree["result" + path]);

    /// <summary>Files under a result folder, as absolute sandbox paths.</summary>
    public string[] ResultFiles(string dir) =>
        Directory.Exists(_tree["result" + dir])
            ? Directory.EnumerateFiles(_tree["result" + dir], "*", SearchOption.AllDirectories)
                .Select(f => "/" + Path.GetRelativePath(_tree["result"], f)).OrderBy(f => f, StringComparer.Ordinal).ToArray()
            : [];

    public ScriptSandbox Run(string script, params string[] args)
    {
        string scriptPath = Path.Combine(PackagingEnvironment.RepoRoot, "packaging/scripts", script);
        string q(string s) => Command.Quote(s);
        string argv = string.Join(' ', args.Select(q));
        string driver = $"""
            mount -t tmpfs -o mode=0755 hvd-etc /etc || exit 90
            mount -t tmpfs -o mode=0755 hvd-run /run || exit 91
            cp -a {q(_tree["seed"])}/. / || exit 92
            cd /
            env -i PATH={q(_tree["stubs"] + ":" + _tree["bin"])} CALLS={q(_tree["calls"])} \
                sh {q(scriptPath)} {argv} >{q(_tree["stdout"])} 2>{q(_tree["stderr"])}
            echo $? >{q(_tree["rc"])}
            mkdir -p {q(_tree["result"])}
            cp -a /etc /run {q(_tree["result"])}/
            """;
        CommandResult r = Command.InMountNamespace(driver);
        Assert.True(r.ExitCode == 0 && File.Exists(_tree["rc"]), "sandbox failed: " + r.Describe());
        ExitCode = int.Parse(File.ReadAllText(_tree["rc"]).Trim());
        Stdout = File.ReadAllText(_tree["stdout"]);
        Stderr = File.ReadAllText(_tree["stderr"]);
        return this;
    }

    public string Describe() => "exit " + ExitCode + "\nstdout:\n" + Stdout + "\nstderr:\n" + Stderr + "\ncalls:\n" + string.Join('\n', Calls);

    public void Dispose() => _tree.Dispose();
}
