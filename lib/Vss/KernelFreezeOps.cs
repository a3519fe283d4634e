using HvDaemons.Os;

namespace HvDaemons.Vss;

/// <summary>FIFREEZE/FITHAW on a descriptor of the mount point, as upstream issues them.</summary>
public sealed class KernelFreezeOps : IFreezeOps
{
    public Errno Open(string mountPoint, out IMountHandle? handle)
    {
        handle = null;
        // Read-only, like upstream. No O_DIRECTORY: a bind-mounted file is a mount point too.
        // O_NONBLOCK so a bind-mounted FIFO cannot hang the walk.
        SysResult r = Posix.Open(mountPoint, Posix.O_RDONLY | Posix.O_NONBLOCK, 0, out FileDescriptor fd);
        if (!r.Ok)
        {
            fd.Dispose();
            return r.Error;
        }
        handle = new Handle(fd);
        return 0;
    }

    sealed class Handle(FileDescriptor fd) : IMountHandle
    {
        public Errno Freeze() => FsFreeze.Freeze(fd).Error;
        public Errno Thaw() => FsFreeze.Thaw(fd).Error;
        public void Dispose() => fd.Dispose();
    }
}
