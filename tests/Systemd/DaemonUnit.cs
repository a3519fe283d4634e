using System;
using HvDaemons.HostSim.Kernel;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>One of our units as installed by `make install`, the distributions' names for it,
/// and the simulated device behind it.</summary>
public sealed record DaemonUnit(string Name, string Device, string[] Aliases, Func<SimKernel, SimService> Service)
{
    public string Unit => Name + ".service";

    public static readonly DaemonUnit Kvp = new("hv_kvp_daemon", "/dev/vmbus/hv_kvp",
        ["hypervkvpd", "hv-kvp-daemon", "hyperv-daemons.hv-kvp-daemon"], k => k.Kvp);
    public static readonly DaemonUnit Vss = new("hv_vss_daemon", "/dev/vmbus/hv_vss",
        ["hypervvssd", "hv-vss-daemon", "hyperv-daemons.hv-vss-daemon"], k => k.Vss);
    public static readonly DaemonUnit Fcopy = new("hv_fcopy_daemon", "/dev/vmbus/hv_fcopy",
        ["hypervfcopyd", "hv-fcopy-daemon", "hyperv-daemons.hv-fcopy-daemon"], k => k.Fcopy);
    public static readonly DaemonUnit[] All = [Kvp, Vss, Fcopy];

    public static DaemonUnit Named(string name) => Array.Find(All, d => d.Name == name)
        ?? throw new ArgumentException("unknown daemon " + name);

    /// <summary>Every release with every daemon, for theories.</summary>
    public static TheoryData<string, string> Cases
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (DebianRelease r in DebianRelease.All)
                foreach (DaemonUnit d in All) data.Add(r.Codename, d.Name);
            return data;
        }
    }
}
