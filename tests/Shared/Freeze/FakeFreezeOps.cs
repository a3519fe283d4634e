using System.Collections.Generic;
using HvDaemons.Os;
using HvDaemons.Vss;

namespace HvDaemons.TestSupport;

/// <summary>
/// The kernel's freeze rules in memory: a filesystem (several mount points may share one)
/// is frozen or not; FIFREEZE on a frozen one says EBUSY, FITHAW on a thawed one EINVAL.
/// Scripted errors make a step fail; every call is recorded in order. No input reaches
/// FIFREEZE through it: the unit tests and the fuzzer's VSS targets share it.
/// </summary>
sealed class FakeFreezeOps : IFreezeOps
{
    public List<string> Calls { get; } = new();
    /// <summary>Mount points in the order FIFREEZE succeeded on them.</summary>
    public List<string> FreezeOrder { get; } = new();
    public HashSet<string> Frozen { get; } = new();
    public Dictionary<string, Errno> OpenErrors { get; } = new();
    public Dictionary<string, Errno> FreezeErrors { get; } = new();
    /// <summary>errno for FITHAW on a mount point; removed after <see cref="ThawFailuresLeft"/> uses.</summary>
    public Dictionary<string, Errno> ThawErrors { get; } = new();
    public int ThawFailuresLeft { get; set; } = int.MaxValue;
    /// <summary>Mount point -> filesystem, for bind mounts; default: its own.</summary>
    public Dictionary<string, string> Filesystem { get; } = new();
    public int OpenHandles { get; private set; }
    /// <summary>Called with the mount point right before each FIFREEZE.</summary>
    public System.Action<string>? BeforeFreeze { get; set; }

    string Fs(string mp) => Filesystem.TryGetValue(mp, out string? fs) ? fs : mp;

    /// <summary>Forgets the record of calls (not what is frozen): one fuzz input's worth.</summary>
    public void ForgetHistory()
    {
        Calls.Clear();
        FreezeOrder.Clear();
    }

    public Errno Open(string mountPoint, out IMountHandle? handle)
    {
        Calls.Add("open " + mountPoint);
        handle = null;
        if (OpenErrors.TryGetValue(mountPoint, out Errno e)) return e;
        OpenHandles++;
        handle = new Handle(this, mountPoint);
        return 0;
    }

    sealed class Handle(FakeFreezeOps ops, string mp) : IMountHandle
    {
        bool _disposed;

        public Errno Freeze()
        {
            ops.Calls.Add("freeze " + mp);
            ops.BeforeFreeze?.Invoke(mp);
            if (ops.FreezeErrors.TryGetValue(mp, out Errno e)) return e;
            if (!ops.Frozen.Add(ops.Fs(mp))) return Errno.EBUSY;
            ops.FreezeOrder.Add(mp);
            return Errno.None;
        }

        public Errno Thaw()
        {
            ops.Calls.Add("thaw " + mp);
            if (ops.ThawErrors.TryGetValue(mp, out Errno e) && ops.ThawFailuresLeft > 0)
            {
                ops.ThawFailuresLeft--;
                return e;
            }
            return ops.Frozen.Remove(ops.Fs(mp)) ? 0 : Errno.EINVAL;
        }

        public void Dispose()
        {
            if (_disposed) return;
            _disposed = true;
            ops.OpenHandles--;
        }
    }
}
