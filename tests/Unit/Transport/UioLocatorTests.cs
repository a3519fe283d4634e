using System;
using System.IO;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Transport;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Transport;

/// <summary>UioLocator against a fake sysfs tree: discovery, ring-size bounds, the bind path.</summary>
public sealed class UioLocatorTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-uioloc-").FullName;
    readonly MemoryLogger _log = new();
    string Sys => Path.Combine(_dir, "sys");
    string Dev => Path.Combine(_dir, "dev");
    string DeviceDir => Path.Combine(Sys, "bus/vmbus/devices", UioLocator.FcopyInstanceId);
    string DriverDir => Path.Combine(Sys, "bus/vmbus/drivers/uio_hv_generic");

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    UioLocator Locator(int bindWaitMs = 2000) => new(Sys, Dev, _log) { BindWaitMs = bindWaitMs };

    void Uio(string name) => Directory.CreateDirectory(Path.Combine(DeviceDir, "uio", name));

    string Ring(long size, string relid = "14")
    {
        string channel = Path.Combine(DeviceDir, "channels", relid);
        Directory.CreateDirectory(channel);
        string ring = Path.Combine(channel, "ring");
        using (var f = File.Create(ring)) f.SetLength(size);   // sparse: only the size matters
        return ring;
    }

    [Theory]
    [InlineData("uio9", true)]
    [InlineData("uio0123456789", true)]     // 13 characters: the longest accepted
    [InlineData("uio01234567890", false)]   // 14
    [InlineData("uio/", false)]             // just below '0'
    [InlineData("uio:", false)]             // just above '9'
    [InlineData("xio0", false)]
    [InlineData("UIO0", false)]
    public void UioNamesAreUioAndUpToTenDigits(string name, bool ok) => Assert.Equal(ok, UioLocator.IsUioName(name));

    [Fact]
    public void NoDeviceDirectoryIsNotFound()
    {
        ChannelResult r = Locator().Locate(out UioLocation where);
        Assert.Equal(ChannelEvent.NotFound, r.Event);
        Assert.Equal(Errno.ENOENT, r.Errno);
        Assert.Contains(DeviceDir, r.Detail);
        Assert.Equal(default, where);
    }

    [Fact]
    public void FindsTheLowestUioNodeAndHalfTheRing()
    {
        Uio("uio3");
        Uio("uio10");         // ordinal order: "uio10" < "uio3"
        Uio("notuio");
        Ring(2L * 16384);
        ChannelResult r = Locator().Locate(out UioLocation where);
        Assert.Equal(ChannelEvent.Ok, r.Event);
        Assert.Equal(new UioLocation(Path.Combine(Dev, "uio10"), 16384), where);
    }

    [Theory]
    [InlineData(2L * VmbusLayout.ControlPageSize + 2 * 4096, true)]   // smallest usable: one data page
    [InlineData(2L * VmbusLayout.ControlPageSize, false)]             // control page only
    [InlineData(2L * UioLocator.MaxRingBytes, true)]
    [InlineData(2L * UioLocator.MaxRingBytes + 2 * 4096, false)]
    [InlineData(2L * 8192 + 2 * 100, false)]                          // not whole pages
    public void RingSizeBounds(long fileSize, bool usable)
    {
        Uio("uio0");
        string ring = Ring(fileSize);
        ChannelResult r = Locator().Locate(out UioLocation where);
        if (usable)
        {
            Assert.Equal(ChannelEvent.Ok, r.Event);
            Assert.Equal((int)(fileSize / 2), where.RingBytes);
            Assert.Contains(_log.Lines, l => l.Level == LogLevel.Info && l.Message.Contains(ring));
        }
        else
        {
            Assert.Equal(ChannelEvent.Failed, r.Event);
            Assert.Equal(Errno.ENODEV, r.Errno);
            // The loop logs the reason once; the locator only reports it.
            Assert.Equal("Ring buffer size from " + ring + " is unusable: " + fileSize + " bytes", r.Detail);
            Assert.Equal(default, where);
            Assert.DoesNotContain(_log.Lines, l => l.Level == LogLevel.Err);
        }
    }

    [Fact]
    public void NoChannelOrNoRingFileFails()
    {
        Uio("uio0");
        Assert.Equal(ChannelEvent.Failed, Locator().Locate(out _).Event);
        Directory.CreateDirectory(Path.Combine(DeviceDir, "channels", "14"));   // a channel without its ring
        ChannelResult r = Locator().Locate(out UioLocation where);
        Assert.Equal(ChannelEvent.Failed, r.Event);
        Assert.Equal(Errno.ENODEV, r.Errno);
        Assert.Equal(default, where);
    }

    [Fact]
    public void UnboundWithoutTheDriverFailsWithAHint()
    {
        Directory.CreateDirectory(DeviceDir);
        ChannelResult r = Locator().Locate(out _);
        Assert.Equal(ChannelEvent.Failed, r.Event);
        Assert.Equal(Errno.ENODEV, r.Errno);
        Assert.Contains("modprobe uio_hv_generic", r.Detail);
    }

    [Fact]
    public void BindWritesTheClassThenTheInstanceAndWaitsForTheNode()
    {
        Directory.CreateDirectory(DeviceDir);
        Directory.CreateDirectory(DriverDir);
        File.WriteAllText(Path.Combine(DriverDir, "new_id"), "");
        File.WriteAllText(Path.Combine(DriverDir, "bind"), "");
        // The fake driver never creates the node: the wait ends with ENODEV.
        ChannelResult r = Locator(bindWaitMs: 200).Locate(out _);
        Assert.Equal(ChannelEvent.Failed, r.Event);
        Assert.Equal(Errno.ENODEV, r.Errno);
        Assert.Contains("after binding", r.Detail);
        Assert.Equal(UioLocator.FcopyClassId, File.ReadAllText(Path.Combine(DriverDir, "new_id")));
        Assert.Equal(UioLocator.FcopyInstanceId, File.ReadAllText(Path.Combine(DriverDir, "bind")));
        Assert.Contains(_log.Lines, l => l.Message.Contains("bound " + UioLocator.FcopyInstanceId));
    }

    [Fact]
    public void FailedNewIdWriteIsReported()
    {
        Directory.CreateDirectory(DeviceDir);
        Directory.CreateDirectory(DriverDir);   // no new_id file: the write's open fails
        ChannelResult r = Locator(bindWaitMs: 200).Locate(out _);
        Assert.Equal(ChannelEvent.Failed, r.Event);
        Assert.Equal(Errno.ENOENT, r.Errno);
        Assert.Equal("write " + DriverDir + "/new_id", r.Detail);
    }

    [Fact]
    public void FailedBindWriteIsReported()
    {
        Directory.CreateDirectory(DeviceDir);
        Directory.CreateDirectory(DriverDir);
        File.WriteAllText(Path.Combine(DriverDir, "new_id"), "");
        ChannelResult r = Locator(bindWaitMs: 200).Locate(out _);
        Assert.Equal(ChannelEvent.Failed, r.Event);
        Assert.Equal(Errno.ENOENT, r.Errno);
        Assert.Equal("write " + DriverDir + "/bind", r.Detail);
        Assert.DoesNotContain(_log.Lines, l => l.Message.StartsWith("bound ", StringComparison.Ordinal));
    }
}
