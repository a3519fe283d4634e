using System;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>A MAP_SHARED read/write mapping of a descriptor, unmapped on dispose.</summary>
public sealed unsafe class SharedMapping : IDisposable
{
    byte* _address;

    SharedMapping(byte* address, long length)
    {
        _address = address;
        Length = length;
    }

    public byte* Address => _address;
    public long Length { get; }

    public static SysResult Map(FileDescriptor fd, long length, long offset, out SharedMapping? mapping)
    {
        mapping = null;
        void* p = LibC.mmap(null, (size_t)(ulong)length, LibC.PROT_READ | LibC.PROT_WRITE, LibC.MAP_SHARED, fd.Fd, offset);
        if (p == (void*)-1) return SysResult.Fail(Errno.Last);
        mapping = new SharedMapping((byte*)p, length);
        return SysResult.Success();
    }

    public void Dispose()
    {
        if (_address == null) return;
        LibC.munmap(_address, (size_t)(ulong)Length);
        _address = null;
    }
}
