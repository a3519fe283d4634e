using System;
using HvDaemons.Fcopy;

namespace HvDaemons.Bench;

/// <summary>One published daemon behind one transport of the simulated host, with a tmpfs for
/// the copied files mounted only in its namespace.</summary>
interface IFcopyTransport : IDisposable
{
    /// <summary>How the host names files on this transport (the char device's kernel converts to UTF-8).</summary>
    NameEncoding Names { get; }
    int DaemonPid { get; }
    /// <summary>Sends one fcopy request and returns the daemon's status; throws if the daemon does not answer.</summary>
    uint Send(byte[] message);
    /// <summary>A path inside the daemon's namespace, readable from the bench while the daemon runs.</summary>
    string HostPath(string path);
    /// <summary>Managed bytes the daemon reported allocating (HV_BENCH_ALLOC=1); 0 for the yardstick.</summary>
    long AllocatedBytes();
    /// <summary>SIGTERM; the exit status, or null if it did not exit.</summary>
    int? Stop();
    /// <summary>The daemon's log and state, for a failure message.</summary>
    string Describe();
}
