using System;
using System.IO;
using Xunit;
using Xunit.Sdk;

namespace HvDaemons.Tests.Fcopy;

/// <summary>The freshness check the binary tests rely on: a stale or missing daemon fails, naming `make build`.</summary>
public sealed class PublishedBinaryTests : IDisposable
{
    readonly string _root = Directory.CreateTempSubdirectory("hvd-fresh-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    string Touch(string relative, DateTime when)
    {
        string path = Path.Combine(_root, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, "x");
        File.SetLastWriteTimeUtc(path, when);
        return path;
    }

    [Fact]
    public void ABinaryOlderThanALibSourceFails()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string bin = Touch("out/linux-x64/hv_fcopy_daemon", t0);
        Touch("cmd/fcopy/Program.cs", t0.AddMinutes(-5));
        Touch("lib/Transport/UioFcopyChannel.cs", t0.AddMinutes(1));
        var e = Assert.Throws<TrueException>(() => PublishedBinary.AssertFresh(bin, _root));
        Assert.Contains("lib/Transport/UioFcopyChannel.cs", e.Message);
        Assert.Contains("make build", e.Message);
    }

    [Fact]
    public void ABinaryNewerThanEverySourcePassesAndBuildOutputIsIgnored()
    {
        var t0 = new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
        string bin = Touch("out/linux-x64/hv_fcopy_daemon", t0);
        Touch("lib/Kvp/KvpService.cs", t0.AddMinutes(-1));
        Touch("cmd/kvp/kvp.csproj", t0.AddMinutes(-1));
        Touch("lib/obj/Release/Generated.cs", t0.AddMinutes(10));   // written by the build itself
        PublishedBinary.AssertFresh(bin, _root);
        Assert.DoesNotContain("/obj/", PublishedBinary.NewestSource(_root).Path, StringComparison.Ordinal);
    }

    [Fact]
    public void AMissingBinaryFailsNamingTheBuild()
    {
        var e = Assert.Throws<TrueException>(() => PublishedBinary.AssertFresh(Path.Combine(_root, "out/none"), _root));
        Assert.Contains("make build", e.Message);
    }
}
