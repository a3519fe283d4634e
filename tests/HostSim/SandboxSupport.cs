using System;
using System.IO;
using Tmds.Linux;

namespace HvDaemons.HostSim;

/// <summary>Whether this machine can run sandboxes, and if not, why (for a visible skip).</summary>
public static class SandboxSupport
{
    public static string? WhyUnavailable()
    {
        if (LibC.geteuid() != 0) return "not running as root (mount namespaces and FUSE mounts need it)";
        if (!File.Exists("/dev/fuse")) return "/dev/fuse is missing (load the fuse module)";
        foreach (string tool in new[] { "unshare", "setsid", "mount" })
            if (!OnPath(tool)) return tool + " (util-linux) is not installed";
        if (!File.Exists("/bin/bash")) return "/bin/bash is missing";
        return null;
    }

    static bool OnPath(string tool)
    {
        foreach (string dir in (Environment.GetEnvironmentVariable("PATH") ?? "/usr/sbin:/usr/bin:/sbin:/bin").Split(':'))
            if (dir.Length > 0 && File.Exists(Path.Combine(dir, tool))) return true;
        return false;
    }
}
