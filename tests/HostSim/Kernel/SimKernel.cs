using System;
using System.Collections.Generic;
using HvDaemons.HostSim.Fuse;

namespace HvDaemons.HostSim.Kernel;

/// <summary>
/// The simulated hv_utils driver: the three services behind one lock. Any number of FUSE
/// connections (one per sandbox mount) serve the same services, so a second daemon in another
/// sandbox meets the same single-opener rule as on a real guest.
/// </summary>
public sealed class SimKernel
{
    readonly object _gate = new();
    readonly Dictionary<string, SimService> _byName = new(StringComparer.Ordinal);

    public SimKernel(SimKernelOptions? options = null)
    {
        Options = options ?? new SimKernelOptions();
        Kvp = new KvpKernel(_gate, Options);
        Vss = new VssKernel(_gate, Options);
        Fcopy = new FcopyKernel(_gate, Options);
        if (Options.HasKvp) _byName.Add(Kvp.Name, Kvp);
        if (Options.HasVss) _byName.Add(Vss.Name, Vss);
        if (Options.HasFcopy) _byName.Add(Fcopy.Name, Fcopy);
    }

    public SimKernelOptions Options { get; }
    public KvpKernel Kvp { get; }
    public VssKernel Vss { get; }
    public FcopyKernel Fcopy { get; }

    /// <summary>The device nodes present under /dev/vmbus, in a stable order.</summary>
    public IReadOnlyList<SimService> Devices
    {
        get
        {
            var list = new List<SimService>();
            foreach (SimService s in new SimService[] { Kvp, Vss, Fcopy })
                if (_byName.ContainsKey(s.Name)) list.Add(s);
            return list;
        }
    }

    internal object Gate => _gate;

    /// <summary>Opens a new /dev/fuse connection serving this kernel's device nodes.</summary>
    internal FuseConnection OpenConnection() => FuseConnection.Open(new DeviceFileSystem(this));
}
