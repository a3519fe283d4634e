using System;
using System.Threading.Tasks;

namespace HvDaemons.HostSim.Host;

/// <summary>Waiting for a host request's answer with a bound, for tests that must not hang.</summary>
public static class HostCall
{
    /// <summary>How long the synchronous host calls wait by default (a failure bound, not a expectation).</summary>
    public static TimeSpan DefaultWait { get; set; } = TimeSpan.FromSeconds(15);

    public static T Wait<T>(Task<T> call, TimeSpan? wait, T noAnswer)
        => call.Wait(wait ?? DefaultWait) ? call.Result : noAnswer;
}
