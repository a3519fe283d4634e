using System;
using System.Buffers.Binary;
using HvDaemons.Fcopy;
using HvDaemons.Wire;

namespace HvDaemons.Tests.Fcopy;

/// <summary>Builds the host's fcopy messages in the char-device form (hv_fcopy_hdr first).</summary>
public static class FcopyMessages
{
    public static byte[] Start(string path, string name, uint flags, NameEncoding encoding)
    {
        var m = new byte[FcopyLayout.StartSize];
        BinaryPrimitives.WriteUInt32LittleEndian(m, FcopyOp.StartFileCopy);
        if (!FcopyNames.Encode(name, encoding, m.AsSpan(FcopyLayout.FileName, FcopyLayout.NameFieldLength)))
            throw new ArgumentException("name does not fit");
        if (!FcopyNames.Encode(path, encoding, m.AsSpan(FcopyLayout.PathName, FcopyLayout.NameFieldLength)))
            throw new ArgumentException("path does not fit");
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.CopyFlags), flags);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.FileSize), 12345);
        return m;
    }

    /// <summary>A START whose name fields are given as raw bytes (for invalid encodings).</summary>
    public static byte[] StartRaw(byte[] pathField, byte[] nameField, uint flags)
    {
        var m = new byte[FcopyLayout.StartSize];
        BinaryPrimitives.WriteUInt32LittleEndian(m, FcopyOp.StartFileCopy);
        pathField.AsSpan(0, Math.Min(pathField.Length, FcopyLayout.NameFieldLength)).CopyTo(m.AsSpan(FcopyLayout.PathName));
        nameField.AsSpan(0, Math.Min(nameField.Length, FcopyLayout.NameFieldLength)).CopyTo(m.AsSpan(FcopyLayout.FileName));
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.CopyFlags), flags);
        return m;
    }

    /// <summary>A full 6196-byte hv_do_fcopy, as the kernel and the host always send it.</summary>
    public static byte[] Write(ulong offset, ReadOnlySpan<byte> data, uint? declaredSize = null)
    {
        var m = new byte[FcopyLayout.WriteMessageSize];
        BinaryPrimitives.WriteUInt32LittleEndian(m, FcopyOp.WriteToFile);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.WriteOffset), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.WriteSize), declaredSize ?? (uint)data.Length);
        data.CopyTo(m.AsSpan(FcopyLayout.WriteData));
        return m;
    }

    public static byte[] Op(uint op, int length = FcopyLayout.HeaderSize)
    {
        var m = new byte[length];
        BinaryPrimitives.WriteUInt32LittleEndian(m, op);
        return m;
    }

    public static byte[] Complete() => Op(FcopyOp.CompleteFcopy);
    public static byte[] Cancel() => Op(FcopyOp.CancelFcopy);
}
