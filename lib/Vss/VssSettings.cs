using System;
using System.Globalization;
using HvDaemons.Logging;

namespace HvDaemons.Vss;

/// <summary>Tunables of the VSS daemon that are not upstream flags.</summary>
/// <param name="FreezeTimeoutMs">Our own watchdog: how long filesystems may stay frozen without a
/// THAW before the daemon thaws them anyway. Nothing else counts once the FREEZE reply is sent:
/// the kernel's 900 s is its wait for that reply, not for a THAW, and it never thaws by itself.
/// A host that takes the snapshot sends THAW within seconds; Windows VSS itself gives writers 60 s
/// between Freeze and Thaw before it aborts the shadow copy. The default, 300 s, is well above
/// that window, so a slow but live backup is never thawed under it, and bounds how long a host
/// that never sends THAW (it crashed, the channel broke) stalls every writer of the guest.</param>
/// <param name="ThawRetryMs">Pause between attempts when a thaw failed.</param>
public sealed record VssSettings(int FreezeTimeoutMs, int ThawRetryMs = 1000)
{
    public const int DefaultFreezeTimeoutMs = 300_000;
    public const int MaxFreezeTimeoutMs = 3_600_000;

    /// <summary>Environment variable that sets the watchdog (milliseconds, 1..3600000).</summary>
    public const string FreezeTimeoutVariable = "HV_VSS_FREEZE_TIMEOUT_MS";

    public static VssSettings Default { get; } = new(DefaultFreezeTimeoutMs);

    /// <summary>Defaults, with the watchdog set by <see cref="FreezeTimeoutVariable"/> if set.</summary>
    public static VssSettings FromEnvironment(Logger log)
        => FromValue(Environment.GetEnvironmentVariable(FreezeTimeoutVariable), log);

    /// <summary>Defaults, with the watchdog from <paramref name="text"/> (the variable's value) if valid.</summary>
    public static VssSettings FromValue(string? text, Logger log)
    {
        if (string.IsNullOrEmpty(text)) return Default;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int ms)
            && ms >= 1 && ms <= MaxFreezeTimeoutMs)
            return Default with { FreezeTimeoutMs = ms };
        log.Warning(FreezeTimeoutVariable + "=" + text + " is not a number of milliseconds in 1.."
                    + MaxFreezeTimeoutMs + "; using " + DefaultFreezeTimeoutMs);
        return Default;
    }
}
