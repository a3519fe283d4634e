using System.Diagnostics;
using HvDaemons.Kvp.Auto;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>Pool 2's ten intrinsic keys and the os-release rules behind them.</summary>
public class AutoPoolTests
{
    static string Run(string file, params string[] args)
    {
        using var p = Process.Start(new ProcessStartInfo(file, args) { RedirectStandardOutput = true })!;
        string s = p.StandardOutput.ReadToEnd().TrimEnd('\n');
        p.WaitForExit();
        return s;
    }

    [Fact]
    public void TenKeysInUpstreamOrderWithValuesFromThisMachine()
    {
        using var t = new TempPools();
        t.Write("etc/os-release", "# comment\nNAME=\"Test Linux\"\nVERSION_ID='12.4'\nNAME=Final\\\"Name\n");
        string[] keys =
        [
            "FullyQualifiedDomainName", "IntegrationServicesVersion", "NetworkAddressIPv4", "NetworkAddressIPv6",
            "OSBuildNumber", "OSName", "OSMajorVersion", "OSMinorVersion", "OSVersion", "ProcessorArchitecture",
        ];
        var values = new string[10];
        for (uint i = 0; i < 10; i++)
        {
            byte[] r = t.Send(Msg.Enumerate(2, i));
            Assert.Equal(Msg.S_OK, Msg.Status(r));
            Assert.Equal(keys[i], Msg.EnumKey(r));
            values[i] = Msg.EnumValue(r);
        }
        string release = Run("uname", "-r");
        Assert.Equal(release, values[4]);
        Assert.Equal("Final\"Name", values[5]);          // last NAME wins, backslash keeps the quote
        Assert.Equal("12.4", values[6]);
        Assert.Equal("", values[7]);
        Assert.Equal(release.Split('-')[0], values[8]);
        Assert.Equal(Run("uname", "-m"), values[9]);
        Assert.NotEqual("", values[0]);
        Assert.DoesNotContain("127.0.0.1", values[2]);   // loopback is never reported
        Assert.Equal(Msg.S_CONT, t.Status(Msg.Enumerate(2, 10)));
    }

    [Fact]
    public void WithoutOsReleaseTheLegacyFileAndThenUnameAreUsed()
    {
        using var t = new TempPools();
        t.Write("etc/redhat-release", "Old Hat\n7\n9\n");
        Assert.Equal("Old Hat", Msg.EnumValue(t.Send(Msg.Enumerate(2, 5))));
        Assert.Equal("7", Msg.EnumValue(t.Send(Msg.Enumerate(2, 6))));
        Assert.Equal("9", Msg.EnumValue(t.Send(Msg.Enumerate(2, 7))));

        using var bare = new TempPools();
        Assert.Equal(Run("uname", "-s"), Msg.EnumValue(bare.Send(Msg.Enumerate(2, 5))));
    }

    [Fact]
    public void OsReleaseWithoutNameLeavesNameToUname()
    {
        var r = OsRelease.ParseOsRelease("VERSION_ID=3\nID=x\n");
        Assert.Null(r.Name);
        Assert.Equal("3", r.MajorVersion);
    }

    [Fact]
    public void FqdnComesFromTheResolverOnEachAsk()
    {
        // Each ask resolves afresh (HostFacts keeps no copy); two asks agree with a direct lookup.
        using var t = new TempPools();
        string a = Msg.EnumValue(t.Send(Msg.Enumerate(2, 0)));
        string b = Msg.EnumValue(t.Send(Msg.Enumerate(2, 0)));
        Assert.Equal(a, b);
        Assert.Equal(a, HostFacts.FullyQualifiedDomainName());
    }
}
