using System;
using System.Runtime.InteropServices;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>An owned file descriptor; raw ints exist only for the length of a call.</summary>
public sealed class FileDescriptor : SafeHandle
{
    public FileDescriptor() : base(new IntPtr(-1), ownsHandle: true) { }

    public FileDescriptor(int fd, bool ownsHandle = true) : base(new IntPtr(-1), ownsHandle)
        => SetHandle(new IntPtr(fd));

    public override bool IsInvalid => handle.ToInt64() < 0;

    /// <summary>The raw descriptor, for a call made while this object is alive.</summary>
    public int Fd => (int)handle.ToInt64();

    /// <summary>Owns what a call that makes a descriptor returned (-1: errno says why, read here
    /// first, before anything else can change it).</summary>
    internal static SysResult Adopt(int result, out FileDescriptor fd)
    {
        if (result < 0)
        {
            Errno e = Errno.Last;
            fd = new FileDescriptor();
            return SysResult.Fail(e);
        }
        fd = new FileDescriptor(result);
        return SysResult.Success(result);
    }

    protected override bool ReleaseHandle() => LibC.close((int)handle.ToInt64()) == 0;
}
