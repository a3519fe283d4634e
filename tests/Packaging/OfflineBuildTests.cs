using System;
using System.IO;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;

namespace HvDaemons.Packaging;

/// <summary>
/// One `make OFFLINE=1` of a fresh clone with vendor/, inside a network namespace without
/// interfaces, HOME and NUGET_PACKAGES empty folders, with a packager's KVP_SCRIPTS_PATH and
/// LDFLAGS. Slow (the four Native-AOT links), so every test of the class shares it.
/// </summary>
public sealed class OfflineBuild : IDisposable
{
    public const string ScriptsPath = "/usr/lib/hyperv/kvp_scripts";
    /// <summary>An absolute symbol only the LDFLAGS word can have put into the link.</summary>
    public const string Marker = "hvd_ldflags_marker";

    readonly Lazy<(SourceClone Clone, CommandResult Result, string Home, string Cache)> _build;

    public OfflineBuild() => _build = new(Build);

    public SourceClone Clone => _build.Value.Clone;
    public CommandResult Result => _build.Value.Result;
    public string Home => _build.Value.Home;
    public string Cache => _build.Value.Cache;
    public string Out => Path.Combine(Clone.Root, "out", "linux-x64");

    static (SourceClone, CommandResult, string, string) Build()
    {
        PackagingEnvironment.RequireRoot();
        PackagingEnvironment.RequireTool("unshare", "util-linux");
        var clone = new SourceClone("offline");
        clone.Vendor();
        string home = clone.Scratch("home"), cache = clone.Scratch("nuget");
        // The namespace must really have no way out: only a loopback, and that one down.
        string script = "set -e; if ip -o link | grep -v ': lo:'; then echo 'network left' >&2; exit 99; fi\n" +
                        "exec env HOME=" + Command.Quote(home) + " NUGET_PACKAGES=" + Command.Quote(cache) +
                        " make --no-print-directory OFFLINE=1 KVP_SCRIPTS_PATH=" + ScriptsPath +
                        " 'LDFLAGS=-Wl,-z,relro -Wl,--defsym=" + Marker + "=0x4856 -specs=/nonexistent/gcc-only.specs'";
        CommandResult r = clone.Run(2400, ["unshare", "--net", "--", "bash", "-c", script]);
        return (clone, r, home, cache);
    }

    public void Dispose()
    {
        if (_build.IsValueCreated) _build.Value.Clone.Dispose();
    }
}

public sealed class OfflineBuildTests(OfflineBuild build) : IClassFixture<OfflineBuild>
{
    [SkippableFact]
    public void Builds_the_daemons_from_vendor_only_without_network_or_caches()
    {
        foreach (string b in PackagingEnvironment.Daemons.Append("hv_kvp_client"))
            Assert.True(File.Exists(Path.Combine(build.Out, b)), b + " not built:\n" + build.Result.Describe());
        Assert.Empty(Directory.EnumerateFileSystemEntries(build.Cache));
        Assert.False(Directory.Exists(Path.Combine(build.Home, ".nuget", "packages")), "restore used ~/.nuget/packages");
        // The packages came out of vendor/, unpacked inside the build tree; restore fetched both
        // architectures' compiler and runtime packs (RuntimeIdentifiers), so vendor/ has arm64's too.
        string unpacked = Path.Combine(build.Clone.Root, "out", "offline", "packages");
        foreach (string rid in new[] { "linux-x64", "linux-arm64" })
            foreach (string pack in new[] { "runtime." + rid + ".microsoft.dotnet.ilcompiler", "microsoft.netcore.app.runtime.nativeaot." + rid })
                Assert.True(Directory.Exists(Path.Combine(unpacked, pack)), pack + " was not restored from vendor/");
        // A build changes no tracked file (the lock files above all).
        Assert.Equal("", build.Clone.Git("status", "--porcelain", "--untracked-files=no"));
    }

    [SkippableFact]
    public void The_rid_follows_the_machine()
    {
        _ = build.Result;
        string want = Command.Run("uname", "-m").Stdout.Trim() is "aarch64" or "arm64" ? "linux-arm64" : "linux-x64";
        Assert.Contains("rid=" + want + "\n", File.ReadAllText(Path.Combine(build.Clone.Root, "out", want, "build-settings")));
    }

    [SkippableFact]
    public void Kvp_scripts_path_is_compiled_into_the_daemon()
    {
        _ = build.Result;
        Assert.Contains("kvp_scripts_path=" + OfflineBuild.ScriptsPath + "\n", File.ReadAllText(Path.Combine(build.Out, "build-settings")));
        byte[] binary = File.ReadAllBytes(Path.Combine(build.Out, "hv_kvp_daemon"));
        // String literals are UTF-16LE; the last byte may be shared with the next literal.
        Assert.True(binary.AsSpan().IndexOf(Encoding.Unicode.GetBytes(OfflineBuild.ScriptsPath)[..^1]) >= 0,
                    "hv_kvp_daemon lacks " + OfflineBuild.ScriptsPath);
    }

    [SkippableFact]
    public void Ldflags_linker_words_reach_the_native_link()
    {
        _ = build.Result;
        PackagingEnvironment.RequireTool("readelf", "binutils");
        foreach (string d in PackagingEnvironment.Daemons)
        {
            CommandResult syms = Command.Run("readelf", "-sW", Path.Combine(build.Out, d + ".dbg"));
            Assert.Contains(syms.Stdout.Split('\n'), l => l.Contains(OfflineBuild.Marker) && l.Contains("0000000000004856"));
        }
    }

    [SkippableFact]
    public void Install_debug_puts_each_dbg_file_under_its_build_id()
    {
        _ = build.Result;
        PackagingEnvironment.RequireTool("readelf", "binutils");
        string dest = build.Clone.Scratch("debugroot");
        build.Clone.Make(300, "install-debug", "DESTDIR=" + dest, "KVP_SCRIPTS_PATH=" + OfflineBuild.ScriptsPath);
        foreach (string b in PackagingEnvironment.Daemons.Append("hv_kvp_client"))
        {
            string id = DebugFiles.BuildId(Path.Combine(build.Out, b));
            Assert.Equal(id, DebugFiles.BuildId(Path.Combine(build.Out, b + ".dbg")));
            string installed = Path.Combine(dest, "usr/lib/debug/.build-id", id[..2], id[2..] + ".debug");
            Assert.True(File.Exists(installed), installed + " missing");
            Assert.Equal(File.ReadAllBytes(Path.Combine(build.Out, b + ".dbg")), File.ReadAllBytes(installed));
            // The stripped binary names its debug file too (.gnu_debuglink), and has no symbols left.
            Assert.Contains(b + ".dbg", Command.Run("readelf", "-p", ".gnu_debuglink", Path.Combine(build.Out, b)).Stdout);
            Assert.DoesNotContain(".symtab", Command.Run("readelf", "-SW", Path.Combine(build.Out, b)).Stdout);
        }
    }
}

/// <summary>GNU build-id notes, read with readelf -n.</summary>
public static class DebugFiles
{
    public static string BuildId(string elf)
    {
        CommandResult r = Command.Run("readelf", "-n", elf);
        string? line = r.Stdout.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.StartsWith("Build ID: ", StringComparison.Ordinal));
        Assert.True(line is not null, elf + " has no GNU build-id: " + r.Describe());
        string id = line!["Build ID: ".Length..];
        Assert.Matches("^[0-9a-f]{40}$", id);
        return id;
    }
}

/// <summary>The guards around the offline build: cheap, no AOT link.</summary>
public sealed class LockedRestoreTests
{
    [SkippableFact]
    public void Offline_without_vendor_stops_with_what_to_run()
    {
        using var clone = new SourceClone("novendor");
        CommandResult r = Command.Run(Path.Combine(clone.Root, "build.sh"), [], workDir: clone.Root, env: new Dictionary<string, string> { ["OFFLINE"] = "1" });
        Assert.Equal(2, r.ExitCode);
        Assert.Contains("OFFLINE=1 needs vendor/ (run make vendor", r.Stderr);
    }

    [SkippableFact]
    public void A_package_change_without_its_lock_file_fails_under_ci()
    {
        using var clone = new SourceClone("locked");
        string csproj = Path.Combine(clone.Root, "lib", "HvDaemons.csproj");
        string text = File.ReadAllText(csproj);
        Assert.Contains("<PackageReference Include=\"Tmds.LibC\" Version=\"0.5.0\" />", text);
        // The same package and version, asked for exactly: the lock file records "[0.5.0, )", so
        // only the request differs and nothing new has to be fetched.
        File.WriteAllText(csproj, text.Replace("<PackageReference Include=\"Tmds.LibC\" Version=\"0.5.0\" />",
            "<PackageReference Include=\"Tmds.LibC\" Version=\"[0.5.0]\" />"));
        CommandResult r = Command.Run("dotnet", ["restore", "lib/HvDaemons.csproj", "-nologo"], workDir: clone.Root,
                                env: new Dictionary<string, string> { ["CI"] = "true" }, timeoutSeconds: 300);
        Assert.NotEqual(0, r.ExitCode);
        Assert.Contains("NU1004", r.Stdout + r.Stderr);
        Assert.Equal("", clone.Git("status", "--porcelain", "--", "lib/packages.lock.json"));
    }
}
