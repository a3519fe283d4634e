using System;

namespace HvDaemons.Vss;

/// <summary>An open mount point that can be frozen and thawed (an fd in the kernel implementation).</summary>
public interface IMountHandle : IDisposable
{
    /// <returns>0, or the errno of FIFREEZE (EBUSY: already frozen).</returns>
    int Freeze();

    /// <returns>0, or the errno of FITHAW (EINVAL: not frozen).</returns>
    int Thaw();
}

/// <summary>Opens mount points for freezing; the seam between the freeze logic and the kernel.</summary>
public interface IFreezeOps
{
    /// <returns>0 with a handle, or the errno of open().</returns>
    int Open(string mountPoint, out IMountHandle? handle);
}
