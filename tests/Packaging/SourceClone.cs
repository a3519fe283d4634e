using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>
/// A fresh clone of the repository's committed HEAD in a temporary folder, as a distribution
/// builder or a newcomer gets it: nothing of this checkout's out/, obj/ or vendor/ comes along
/// unless asked for.
/// </summary>
public sealed class SourceClone : System.IDisposable
{
    readonly TempTree _tree;

    public SourceClone(string tag)
    {
        PackagingEnvironment.RequireTool("git", "git");
        PackagingEnvironment.RequireTool("make", "make");
        _tree = new TempTree(tag);
        Root = _tree["src"];
        CommandResult r = Command.Run("git", ["clone", "-q", "--no-hardlinks", PackagingEnvironment.RepoRoot, Root]);
        Assert.True(r.ExitCode == 0, "git clone: " + r.Describe());
    }

    public string Root { get; }

    /// <summary>A folder beside the clone (empty HOME, empty NuGet cache, DESTDIR).</summary>
    public string Scratch(string name)
    {
        string dir = _tree[name];
        Directory.CreateDirectory(dir);
        return dir;
    }

    /// <summary>vendor/: copied from this checkout when `make vendor` filled it already, else
    /// made in the clone (which needs the NuGet source once).</summary>
    public void Vendor()
    {
        string mine = Path.Combine(PackagingEnvironment.RepoRoot, "vendor");
        if (Directory.Exists(mine) && Directory.EnumerateFiles(mine, "*.nupkg").Any())
        {
            Directory.CreateDirectory(Path.Combine(Root, "vendor"));
            foreach (string f in Directory.EnumerateFiles(mine, "*.nupkg"))
                File.Copy(f, Path.Combine(Root, "vendor", Path.GetFileName(f)));
            return;
        }
        Make(600, "vendor");
    }

    public CommandResult Make(int timeoutSeconds, params string[] args) => Run(timeoutSeconds, ["make", "--no-print-directory", .. args]);

    public CommandResult Run(int timeoutSeconds, IEnumerable<string> command, IDictionary<string, string>? env = null)
    {
        var all = new Dictionary<string, string> { ["MAKEFLAGS"] = "" };
        if (env is not null) foreach (var (k, v) in env) all[k] = v;
        string[] argv = command.ToArray();
        CommandResult r = Command.Run(argv[0], argv[1..], workDir: Root, env: all, timeoutSeconds: timeoutSeconds);
        Assert.True(r.ExitCode == 0, string.Join(' ', argv) + ": " + r.Describe());
        return r;
    }

    public string Git(params string[] args) => Run(60, ["git", .. args]).Stdout;

    public void Dispose() => _tree.Dispose();
}
