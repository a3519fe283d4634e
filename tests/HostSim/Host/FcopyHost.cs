using System;
using System.Threading.Tasks;
using HvDaemons.Fcopy;
using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Host;

/// <summary>The host pushing a file, in the char-device format (names already converted to
/// UTF-8 by the kernel, at most 259 bytes plus NUL, in the 520-byte fields).</summary>
public sealed class FcopyHost(FcopyKernel kernel)
{
    public FcopyKernel Kernel => kernel;

    public Task<FcopyReply> StartAsync(string fileName, string pathName, uint copyFlags, ulong fileSize)
        => Send(FcopyRequests.Start(fileName, pathName, copyFlags, fileSize, NameEncoding.Utf8));

    /// <summary>One WRITE_TO_FILE fragment (at most 6144 bytes).</summary>
    public Task<FcopyReply> WriteAsync(ulong offset, ReadOnlySpan<byte> data) => Send(FcopyRequests.Write(offset, data));

    public Task<FcopyReply> CompleteAsync() => Send(FcopyRequests.Complete());
    public Task<FcopyReply> CancelAsync() => Send(FcopyRequests.Cancel());

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

    async Task<FcopyReply> Send(byte[] message)
    {
        DeviceAnswer a = await kernel.Submit(message).ConfigureAwait(false);
        return new FcopyReply(HostOutcome.Answered, a.Status, a.Source);
    }
}
