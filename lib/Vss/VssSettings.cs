using System;
using System.Globalization;
using HvDaemons.Logging;

namespace HvDaemons.Vss;

/// <summary>Tunables of the VSS daemon that are not upstream flags.</summary>
/// <param name="FreezeTimeoutMs">How long filesystems may stay frozen without a THAW before the
/// watchdog thaws them: the kernel's own FREEZE timeout (900 s), after which the host has been
/// told the freeze failed and no THAW will come.</param>
/// <param name="ThawRetryMs">Pause between attempts when a thaw failed.</param>
public sealed record VssSettings(int FreezeTimeoutMs, int ThawRetryMs = 1000)
{
    public const int KernelFreezeTimeoutMs = 900_000;

    /// <summary>Environment variable that shortens the watchdog (milliseconds, 1..900000); for tests.</summary>
    public const string FreezeTimeoutVariable = "HV_VSS_FREEZE_TIMEOUT_MS";

    public static VssSettings Default { get; } = new(KernelFreezeTimeoutMs);

    /// <summary>Defaults, with the watchdog shortened by <see cref="FreezeTimeoutVariable"/> if set.</summary>
    public static VssSettings FromEnvironment(Logger log)
    {
        string? text = Environment.GetEnvironmentVariable(FreezeTimeoutVariable);
        if (string.IsNullOrEmpty(text)) return Default;
        if (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int ms)
            && ms >= 1 && ms <= KernelFreezeTimeoutMs)
            return Default with { FreezeTimeoutMs = ms };
        log.Warning(FreezeTimeoutVariable + "=" + text + " is not a number of milliseconds in 1.."
                    + KernelFreezeTimeoutMs + "; using " + KernelFreezeTimeoutMs);
        return Default;
    }
}
