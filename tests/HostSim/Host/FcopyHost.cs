using System;
using System.Buffers.Binary;
using System.Threading.Tasks;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Host;

/// <summary>The host pushing a file, in the char-device format (names already converted to
/// UTF-8 by the kernel, at most 259 bytes plus NUL, in the 520-byte fields).</summary>
public sealed class FcopyHost(FcopyKernel kernel)
{
    public FcopyKernel Kernel => kernel;

    public Task<FcopyReply> StartAsync(string fileName, string pathName, uint copyFlags, ulong fileSize)
    {
        byte[] m = Header(FcopyOp.StartFileCopy, FcopyLayout.StartSize);
        KernelStrings.WriteUtf8(fileName, m.AsSpan(FcopyLayout.FileName), FcopyLayout.MaxPath - 1);
        KernelStrings.WriteUtf8(pathName, m.AsSpan(FcopyLayout.PathName), FcopyLayout.MaxPath - 1);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.CopyFlags), copyFlags);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.FileSize), fileSize);
        return Send(m);
    }

    /// <summary>One WRITE_TO_FILE fragment (at most 6144 bytes).</summary>
    public Task<FcopyReply> WriteAsync(ulong offset, ReadOnlySpan<byte> data)
    {
        if (data.Length > FcopyLayout.DataFragment) throw new ArgumentException("a fragment carries at most 6144 bytes");
        byte[] m = Header(FcopyOp.WriteToFile, FcopyLayout.WriteMessageSize);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.WriteOffset), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.WriteSize), (uint)data.Length);
        data.CopyTo(m.AsSpan(FcopyLayout.WriteData));
        return Send(m);
    }

    public Task<FcopyReply> CompleteAsync() => Send(Header(FcopyOp.CompleteFcopy, FcopyLayout.HeaderSize));
    public Task<FcopyReply> CancelAsync() => Send(Header(FcopyOp.CancelFcopy, FcopyLayout.HeaderSize));

    public FcopyReply Start(string fileName, string pathName, uint copyFlags, ulong fileSize, TimeSpan? wait = null)
        => HostCall.Wait(StartAsync(fileName, pathName, copyFlags, fileSize), wait, NoAnswer);
    public FcopyReply Write(ulong offset, ReadOnlySpan<byte> data, TimeSpan? wait = null)
        => HostCall.Wait(WriteAsync(offset, data), wait, NoAnswer);
    public FcopyReply Complete(TimeSpan? wait = null) => HostCall.Wait(CompleteAsync(), wait, NoAnswer);
    public FcopyReply Cancel(TimeSpan? wait = null) => HostCall.Wait(CancelAsync(), wait, NoAnswer);

    /// <summary>A whole file: START, WRITE fragments, COMPLETE; stops at the first failure.</summary>
    public FcopyReply CopyFile(string fileName, string pathName, byte[] content, uint copyFlags, TimeSpan? wait = null)
    {
        FcopyReply r = Start(fileName, pathName, copyFlags, (ulong)content.Length, wait);
        if (r.Status != HvStatus.S_OK) return r;
        for (int off = 0; off < content.Length; off += FcopyLayout.DataFragment)
        {
            int n = Math.Min(FcopyLayout.DataFragment, content.Length - off);
            r = Write((ulong)off, content.AsSpan(off, n), wait);
            if (r.Status != HvStatus.S_OK) return r;
        }
        return Complete(wait);
    }

    static readonly FcopyReply NoAnswer = new(HostOutcome.NoAnswer, HvStatus.E_FAIL, null);

    static byte[] Header(uint op, int size)
    {
        byte[] m = new byte[size];
        BinaryPrimitives.WriteUInt32LittleEndian(m, op);
        return m;
    }

    async Task<FcopyReply> Send(byte[] message)
    {
        DeviceAnswer a = await kernel.Submit(message).ConfigureAwait(false);
        return new FcopyReply(HostOutcome.Answered, a.Status, a.Source);
    }
}
