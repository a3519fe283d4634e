using System;
using System.Text;
using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>
/// AF_UNIX datagrams to an address given as text: an absolute path, or "@name" for the Linux
/// abstract namespace (the leading '@' stands for the NUL byte, as systemd writes it). Sends
/// never block: EAGAIN comes back as an error.
/// </summary>
public static unsafe class UnixDatagram
{
    /// <summary>sun_path's size: a longer address cannot be expressed.</summary>
    public const int MaxAddressBytes = 108;

    /// <summary>True for the forms <see cref="SendTo"/> understands.</summary>
    public static bool IsSupportedAddress(string address)
        => address.Length > 1 && (address[0] == '/' || address[0] == '@')
           && Encoding.UTF8.GetByteCount(address) < MaxAddressBytes;

    /// <summary>One datagram on a socket opened for just this send.</summary>
    public static SysResult SendTo(string address, ReadOnlySpan<byte> data)
    {
        if (!IsSupportedAddress(address)) return SysResult.Fail(Errno.EINVAL);
        SysResult r = Socket(out FileDescriptor fd);
        using (fd)
        {
            if (!r.Ok) return r;
            sockaddr_un addr = Address(address, out int length);
            return Send(fd, data, (sockaddr*)&addr, length);
        }
    }

    /// <summary>A socket connected to <paramref name="address"/>, for <see cref="Send(FileDescriptor, ReadOnlySpan{byte})"/>.
    /// A relative path is taken as it is, as connect(2) does.</summary>
    public static SysResult Connect(string address, out FileDescriptor fd)
    {
        fd = new FileDescriptor();
        if (Encoding.UTF8.GetByteCount(address) is 0 or >= MaxAddressBytes) return SysResult.Fail(Errno.EINVAL);
        SysResult r = Socket(out FileDescriptor socket);
        if (!r.Ok) return r;
        sockaddr_un addr = Address(address, out int length);
        if (LibC.connect(socket.Fd, (sockaddr*)&addr, (socklen_t)length) < 0)
        {
            Errno e = Errno.Last;
            socket.Dispose();
            return SysResult.Fail(e);
        }
        fd = socket;
        return SysResult.Success();
    }

    /// <summary>One datagram on a connected socket.</summary>
    public static SysResult Send(FileDescriptor fd, ReadOnlySpan<byte> data) => Send(fd, data, null, 0);

    static SysResult Send(FileDescriptor fd, ReadOnlySpan<byte> data, sockaddr* to, int toLength)
    {
        fixed (byte* p = data)
        {
            while (true)
            {
                long r = LibC.sendto(fd.Fd, p, data.Length, LibC.MSG_DONTWAIT | LibC.MSG_NOSIGNAL, to, (socklen_t)toLength);
                if (r >= 0) return SysResult.Success(r);
                Errno e = Errno.Last;
                if (e != Errno.EINTR) return SysResult.Fail(e);
            }
        }
    }

    static SysResult Socket(out FileDescriptor fd)
        => FileDescriptor.Adopt(LibC.socket(LibC.AF_UNIX, LibC.SOCK_DGRAM | LibC.SOCK_CLOEXEC, 0), out fd);

    /// <summary>The sockaddr of an address that fits and its length: abstract names are exactly
    /// their bytes, no terminator; a path ends at its NUL.</summary>
    static sockaddr_un Address(string address, out int length)
    {
        sockaddr_un addr = default;
        addr.sun_family = (sa_family_t)LibC.AF_UNIX;
        byte[] name = Encoding.UTF8.GetBytes(address);
        bool isAbstract = name[0] == (byte)'@';
        for (int i = 0; i < name.Length; i++) addr.sun_path[i] = name[i];
        if (isAbstract) addr.sun_path[0] = 0;
        length = sizeof(sa_family_t) + name.Length + (isAbstract ? 0 : 1);
        return addr;
    }
}
