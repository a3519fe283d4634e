using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Sandboxing;

namespace HvDaemons.BlackBox.Storms;

/// <summary>What every storm checks after its messages: files the daemon wrote where it had no
/// business, and a crash trace on its output.</summary>
static class StormChecks
{
    /// <summary>Entries of /var/lib/hyperv that <paramref name="allowedInPoolDir"/> does not name,
    /// and every entry of the scripts folder (no daemon writes there).</summary>
    public static List<string> UnexpectedFiles(Sandbox sb, ISet<string>? allowedInPoolDir = null) =>
        Directory.EnumerateFileSystemEntries(sb.HostPath("/var/lib/hyperv"))
            .Select(p => Path.GetFileName(p))
            .Where(n => allowedInPoolDir is null || !allowedInPoolDir.Contains(n))
            .Concat(Directory.EnumerateFileSystemEntries(sb.HostPath("/usr/libexec/hypervkvpd")).Select(p => Path.GetFileName(p)))
            .ToList();

    /// <summary>An unhandled exception or a stack frame on the daemon's stdout/stderr.</summary>
    public static bool CrashedOutput(Sandbox sb) =>
        sb.Output.Any(l => l.Contains("Unhandled", StringComparison.Ordinal) || l.TrimStart().StartsWith("at ", StringComparison.Ordinal));
}
