using System;
using System.Text;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>
/// One AF_UNIX datagram to an address given as text: an absolute path, or "@name" for the
/// Linux abstract namespace (the leading '@' stands for the NUL byte, as systemd writes it).
/// </summary>
public static unsafe class UnixDatagram
{
    /// <summary>sun_path's size: a longer address cannot be expressed.</summary>
    public const int MaxAddressBytes = 108;

    /// <summary>True for the forms <see cref="SendTo"/> understands.</summary>
    public static bool IsSupportedAddress(string address)
        => address.Length > 1 && (address[0] == '/' || address[0] == '@')
           && Encoding.UTF8.GetByteCount(address) < MaxAddressBytes;

    /// <summary>Sends <paramref name="data"/> without blocking; EAGAIN comes back as an error.</summary>
    public static SysResult SendTo(string address, ReadOnlySpan<byte> data)
    {
        if (!IsSupportedAddress(address)) return SysResult.Fail(Errno.EINVAL);
        int fd = LibC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0);
        if (fd < 0) return SysResult.Fail(Errno.Last);
        try
        {
            sockaddr_un addr = default;
            addr.sun_family = (sa_family_t)LibC.AF_UNIX;
            byte[] name = Encoding.UTF8.GetBytes(address);
            bool isAbstract = name[0] == (byte)'@';
            for (int i = 0; i < name.Length; i++) addr.sun_path[i] = name[i];
            // Abstract names are exactly their bytes, no terminator; a path ends at its NUL.
            if (isAbstract) addr.sun_path[0] = 0;
            int length = sizeof(sa_family_t) + name.Length + (isAbstract ? 0 : 1);
            fixed (byte* p = data)
            {
                while (true)
                {
                    long r = LibC.sendto(fd, p, data.Length, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL,
                                         (sockaddr*)&addr, (socklen_t)length);
                    if (r >= 0) return SysResult.Success(r);
                    Errno e = Errno.Last;
                    if (e != Errno.EINTR) return SysResult.Fail(e);
                }
            }
        }
        finally
        {
            LibC.close(fd);
        }
    }
}
