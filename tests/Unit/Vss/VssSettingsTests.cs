using HvDaemons.Logging;
using HvDaemons.Vss;
using Xunit;

namespace HvDaemons.Tests.Vss;

/// <summary>The watchdog setting (HV_VSS_FREEZE_TIMEOUT_MS): our default, the accepted range, a bad value.</summary>
public class VssSettingsTests
{
    [Theory]
    [InlineData(null, 300_000)]
    [InlineData("", 300_000)]
    [InlineData("1", 1)]
    [InlineData("600000", 600_000)]
    [InlineData("3600000", 3_600_000)]
    public void Valid_values_set_the_watchdog(string? text, int expected)
    {
        var log = new MemoryLogger();
        Assert.Equal(expected, VssSettings.FromValue(text, log).FreezeTimeoutMs);
        Assert.Empty(log.Lines);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("3600001")]
    [InlineData("-5")]
    [InlineData(" 1000")]
    [InlineData("5s")]
    [InlineData("99999999999")]
    public void A_bad_value_is_logged_and_the_default_used(string text)
    {
        var log = new MemoryLogger();
        Assert.Equal(VssSettings.DefaultFreezeTimeoutMs, VssSettings.FromValue(text, log).FreezeTimeoutMs);
        var line = Assert.Single(log.Lines);
        Assert.Equal((LogLevel.Warning, "HV_VSS_FREEZE_TIMEOUT_MS=" + text + " is not a number of milliseconds in 1..3600000; using 300000"),
                     (line.Level, line.Message));
    }

    [Fact]
    public void The_default_is_well_above_the_hosts_freeze_window_and_below_the_kernels_reply_wait()
    {
        // Windows VSS: 60 s from Freeze to Thaw; the kernel waits 900 s for the FREEZE reply.
        Assert.InRange(VssSettings.Default.FreezeTimeoutMs, 4 * 60_000, 900_000 - 1);
    }
}
