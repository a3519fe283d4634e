using System;

namespace HvDaemons.HostSim.Kernel;

/// <summary>Kernel-side settings. To make one request late, a test uses
/// <see cref="SimService.KernelTimeout"/> rather than shortening every request here.</summary>
public sealed record SimKernelOptions
{
    /// <summary>HV_UTIL_TIMEOUT for every KVP op.</summary>
    public TimeSpan KvpTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>VSS FREEZE.</summary>
    public TimeSpan VssFreezeTimeout { get; init; } = TimeSpan.FromSeconds(900);
    /// <summary>VSS THAW and HOT_BACKUP.</summary>
    public TimeSpan VssTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Every FCOPY op.</summary>
    public TimeSpan FcopyTimeout { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>
    /// FREEZE makes a real VSS daemon freeze every filesystem it can see, and a sandbox sees
    /// the machine's own root unless it pivoted into a root the test built. Only such tests
    /// (or tests without a daemon) may set this.
    /// </summary>
    public bool AllowFreeze { get; init; }
    /// <summary>The version string the kernel hands the KVP daemon at registration.</summary>
    public string KvpKernelVersion { get; init; } = "3.1";
    /// <summary>Which device nodes exist (fcopy's char device is gone since 6.10).</summary>
    public bool HasKvp { get; init; } = true;
    public bool HasVss { get; init; } = true;
    public bool HasFcopy { get; init; } = true;
}
