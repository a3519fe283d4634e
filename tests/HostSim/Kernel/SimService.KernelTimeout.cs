using System;

namespace HvDaemons.HostSim.Kernel;

public abstract partial class SimService
{
    TimeSpan? _timeoutOverride;

    /// <summary>
    /// Host requests submitted until the returned scope is disposed get <paramref name="timeout"/>
    /// as the kernel's wait for the reply, instead of the service's own (30 s, as the kernel).
    /// A test shortens only the one request it wants to be late: every other request keeps
    /// the real timeout, so a loaded machine cannot turn a slow answer into a kernel timeout.
    /// </summary>
    public IDisposable KernelTimeout(TimeSpan timeout)
    {
        lock (_gate) _timeoutOverride = timeout;
        return new Scope(this);
    }

    sealed class Scope(SimService service) : IDisposable
    {
        public void Dispose()
        {
            lock (service._gate) service._timeoutOverride = null;
        }
    }
}
