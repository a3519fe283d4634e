using System.Collections.Generic;
using HvDaemons.Testing.Freeze;

namespace HvDaemons.BlackBox.Vss;

/// <summary>
/// Files a test puts into a freeze root's own /etc (hooks, vss.conf) and the tools its hooks
/// need (the root has nothing but the daemon and the guard): shell lines for
/// <see cref="VssFreezeRoot.Start"/>, run as root before the pivot, so files are root's unless
/// the test says otherwise.
/// </summary>
sealed class RootFiles
{
    public const string HookDir = "/etc/hyperv/fsfreeze-hook.d";

    /// <summary>Inside the root: writes 4 KiB and fsyncs (blocks on a frozen filesystem).</summary>
    public const string Writer = "/hvd/hvd-vss-driver write-fsync";

    public List<string> Lines { get; } = new();

    public RootFiles()
    {
        Lines.AddRange(RootShell.CopyBinary("/bin/sh", "/bin/sh"));
        Dir("/etc");
        Dir("/etc/hyperv");
        Dir(HookDir);
    }

    /// <summary>Also /bin/sleep, for hooks that hang.</summary>
    public RootFiles WithSleep()
    {
        Lines.AddRange(RootShell.CopyBinary("/bin/sleep", "/bin/sleep"));
        return this;
    }

    public RootFiles Dir(string path)
    {
        Lines.Add($"mkdir -p \"$R\"{RootShell.Quote(path)} && chmod 0755 \"$R\"{RootShell.Quote(path)}");
        return this;
    }

    public RootFiles File(string path, string text, string mode = "0644", string owner = "0:0")
    {
        string at = "\"$R\"" + RootShell.Quote(path);
        Lines.Add($"printf '%s' {RootShell.Quote(text)} > {at} && chmod {mode} {at} && chown {owner} {at}");
        return this;
    }

    /// <summary>A hook in <see cref="HookDir"/>: a /bin/sh script, root's and mode 0755 unless said otherwise.</summary>
    public RootFiles Hook(string name, string body, string mode = "0755", string owner = "0:0")
        => File(HookDir + "/" + name, "#!/bin/sh\n" + body, mode, owner);

    /// <summary>A hook that writes to <paramref name="file"/>.PHASE with fsync and says so.</summary>
    public RootFiles WritingHook(string name, string file)
        => Hook(name, $"out=$({Writer} {file}.$1) || {{ echo \"$1: write failed: $out\"; exit 1; }}\necho \"$1: wrote {file}.$1\"\n");
}
