using System;
using System.IO;
using HvDaemons.Kvp;
using HvDaemons.Os;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>KVP_SCRIPTS_PATH: a folder, or empty for a PATH lookup (docs/packaging.md).</summary>
public sealed class ScriptSearchTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("hvd-search-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    string Make(string dir, string name, bool executable)
    {
        string folder = Path.Combine(_root, dir);
        Directory.CreateDirectory(folder);
        string p = Path.Combine(folder, name);
        File.WriteAllText(p, "#!/bin/sh\n");
        File.SetUnixFileMode(p, executable ? UnixFileMode.UserRead | UnixFileMode.UserExecute : UnixFileMode.UserRead);
        return p;
    }

    [Fact]
    public void AFolderIsUsedAsItIsWithOrWithoutItsSlash()
    {
        Assert.Equal("/usr/lib/hyperv/kvp_scripts/hv_get_dns_info",
                     new KvpPaths("/var/lib/hyperv", "/usr/lib/hyperv/kvp_scripts/").Script("hv_get_dns_info"));
        Assert.Equal("/usr/libexec/hypervkvpd/hv_set_ifconfig",
                     new KvpPaths("/var/lib/hyperv", "/usr/libexec/hypervkvpd").Script("hv_set_ifconfig"));
    }

    [Fact]
    public void AnEmptyFolderTakesTheFirstExecutableOnThePath()
    {
        Make("a", "hv_get_dns_info", executable: false);
        string wanted = Make("b", "hv_get_dns_info", executable: true);
        Make("c", "hv_get_dns_info", executable: true);
        string search = "relative:" + Path.Combine(_root, "a") + "::" + Path.Combine(_root, "b") + ":" + Path.Combine(_root, "c");
        var paths = new KvpPaths("/var/lib/hyperv", "") { ScriptSearchPath = search };
        Assert.Equal(wanted, paths.Script("hv_get_dns_info"));
    }

    [Fact]
    public void AScriptOnNoFolderKeepsItsBareName()
    {
        var paths = new KvpPaths("/var/lib/hyperv", "") { ScriptSearchPath = Path.Combine(_root, "none") };
        Assert.Equal("hv_set_ifconfig", paths.Script("hv_set_ifconfig"));
        Assert.Null(ExecutableSearch.Find("hv_set_ifconfig", Path.Combine(_root, "none")));
    }

    [Fact]
    public void RelativePathEntriesAreNeverSearched()
    {
        string cwd = Environment.CurrentDirectory;
        Make("rel", "hv_get_dhcp_info", executable: true);
        try
        {
            Environment.CurrentDirectory = _root;
            Assert.Null(ExecutableSearch.Find("hv_get_dhcp_info", "rel:."));
        }
        finally { Environment.CurrentDirectory = cwd; }
    }
}
