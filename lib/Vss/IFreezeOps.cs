using System;
using HvDaemons.Os;

namespace HvDaemons.Vss;

/// <summary>An open mount point that can be frozen and thawed (an fd in the kernel implementation).</summary>
public interface IMountHandle : IDisposable
{
    /// <returns>None, or the errno of FIFREEZE (EBUSY: already frozen).</returns>
    Errno Freeze();

    /// <returns>None, or the errno of FITHAW (EINVAL: not frozen).</returns>
    Errno Thaw();
}

/// <summary>Opens mount points for freezing; the seam between the freeze logic and the kernel.</summary>
public interface IFreezeOps
{
    /// <returns>None with a handle, or the errno of open().</returns>
    Errno Open(string mountPoint, out IMountHandle? handle);
}
