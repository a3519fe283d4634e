using System;
using System.Buffers.Binary;
using HvDaemons.Fcopy;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Host;

/// <summary>
/// The host's fcopy requests in the form the daemon reads them (hv_fcopy_hdr first), for either
/// transport: on the char device the kernel has converted the names to UTF-8 (cut to 259 bytes);
/// on the uio ring they arrive as the host's UTF-16LE.
/// </summary>
public static class FcopyRequests
{
    public static byte[] Start(string fileName, string pathName, uint copyFlags, ulong fileSize, NameEncoding names)
    {
        byte[] m = Header(FcopyOp.StartFileCopy, FcopyLayout.StartSize);
        WriteName(fileName, m.AsSpan(FcopyLayout.FileName, FcopyLayout.NameFieldLength), names);
        WriteName(pathName, m.AsSpan(FcopyLayout.PathName, FcopyLayout.NameFieldLength), names);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.CopyFlags), copyFlags);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.FileSize), fileSize);
        return m;
    }

    /// <summary>One WRITE_TO_FILE fragment (at most 6144 bytes), always the full 6196-byte message.</summary>
    public static byte[] Write(ulong offset, ReadOnlySpan<byte> data)
    {
        if (data.Length > FcopyLayout.DataFragment) throw new ArgumentException("a fragment carries at most 6144 bytes");
        byte[] m = Header(FcopyOp.WriteToFile, FcopyLayout.WriteMessageSize);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.WriteOffset), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.WriteSize), (uint)data.Length);
        data.CopyTo(m.AsSpan(FcopyLayout.WriteData));
        return m;
    }

    public static byte[] Complete() => Header(FcopyOp.CompleteFcopy, FcopyLayout.HeaderSize);
    public static byte[] Cancel() => Header(FcopyOp.CancelFcopy, FcopyLayout.HeaderSize);

    static void WriteName(string name, Span<byte> field, NameEncoding names)
    {
        if (names == NameEncoding.Utf8) KernelStrings.WriteUtf8(name, field, FcopyLayout.MaxPath - 1);
        else if (!FcopyNames.Encode(name, names, field)) throw new ArgumentException("name does not fit in 260 UTF-16 units: " + name);
    }

    static byte[] Header(uint op, int size)
    {
        byte[] m = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(m, op);
        return m;
    }
}
