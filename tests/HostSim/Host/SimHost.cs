using HvDaemons.HostSim.Kernel;

namespace HvDaemons.HostSim.Host;

/// <summary>The whole simulated machine: the hv_utils kernel side and the Windows host's requests.</summary>
public sealed class SimHost(SimKernelOptions? options = null)
{
    public SimKernel Kernel { get; } = new(options);
    public KvpHost Kvp => new(Kernel.Kvp);
    public VssHost Vss => new(Kernel.Vss);
    public FcopyHost Fcopy => new(Kernel.Fcopy);
}
