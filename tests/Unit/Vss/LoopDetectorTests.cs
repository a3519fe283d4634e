using System.IO;
using System.Linq;
using HvDaemons.Logging;
using HvDaemons.Os;
using HvDaemons.Vss;
using Xunit;

namespace HvDaemons.Tests.Vss;

/// <summary>LoopDetector on its own: how deep a stack it follows, and what an unusable source means.</summary>
public class LoopDetectorTests
{
    static string Stack(int slaves) => string.Concat(Enumerable.Repeat("slaves/dm/", slaves)) + "loop";

    [Theory]
    [InlineData(0, true)]
    [InlineData(8, true)]    // eight devices stacked on a loop device: still found
    [InlineData(9, false)]   // deeper is taken as not loop-backed (the cycle guard)
    public void StackedDevicesAreFollowedEightLevelsDown(int slaves, bool loop)
    {
        using var sys = new FakeSysDevBlock().Device("/dev/mapper/top", 253, 9, Stack(slaves));
        var log = new MemoryLogger();
        Assert.Equal(loop, new LoopDetector(sys.Root, log, sys.Lookup).IsLoopBacked("/dev/mapper/top"));
        Assert.Empty(log.Lines);
    }

    [Fact]
    public void ASourceThatCannotBeStatedIsLoggedAndNotLoopBacked()
    {
        using var sys = new FakeSysDevBlock();
        var log = new MemoryLogger();
        Assert.False(new LoopDetector(sys.Root, log, sys.Lookup).IsLoopBacked("/dev/gone"));
        var line = Assert.Single(log.Lines);
        Assert.Equal(LogLevel.Err, line.Level);
    }

    [Fact]
    public void AnUnreadableLoopEntryDoesNotCount()
    {
        // "loop" must be a directory we may enter; a plain file of that name is not the marker.
        using var sys = new FakeSysDevBlock().Device("/dev/vdz", 254, 99);
        File.WriteAllText(Path.Combine(sys.Root, "254:99", "loop"), "");
        Assert.False(new LoopDetector(sys.Root, new MemoryLogger(), sys.Lookup).IsLoopBacked("/dev/vdz"));
    }
}
