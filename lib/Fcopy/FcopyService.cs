using System;
using System.Buffers.Binary;
using HvDaemons.Daemon;
using HvDaemons.Logging;
using HvDaemons.Wire;

namespace HvDaemons.Fcopy;

/// <summary>
/// FCOPY request dispatch over either transport: parses hv_fcopy_hdr / hv_start_fcopy /
/// hv_do_fcopy with every length checked against what was actually received, hands the file
/// work to <see cref="FileReceiver"/>, and answers with a 4-byte HV_* status.
/// </summary>
public sealed class FcopyService(Logger log, NameEncoding names) : IServiceHandler, IDisposable
{
    readonly FileReceiver _files = new(log);

    public int MaxMessageSize => FcopyLayout.MaxMessageSize;

    /// <summary>The file currently being received (for tests).</summary>
    public string? CurrentTarget => _files.Target;

    public void OnRegistered(string version) => log.Info("kernel module version: " + version);

    public int Handle(Span<byte> buffer, int length)
    {
        uint status = Dispatch(buffer[..Math.Clamp(length, 0, buffer.Length)]);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer, status);
        return FcopyLayout.ReplySize;
    }

    uint Dispatch(ReadOnlySpan<byte> message)
    {
        if (message.Length < FcopyLayout.ServiceId0)
        {
            log.Err("Fcopy message too short: " + message.Length + " bytes");
            return HvStatus.E_FAIL;
        }
        uint op = BinaryPrimitives.ReadUInt32LittleEndian(message);
        switch (op)
        {
            case FcopyOp.StartFileCopy: return Start(message);
            case FcopyOp.WriteToFile: return Write(message);
            case FcopyOp.CompleteFcopy: return _files.Complete();
            case FcopyOp.CancelFcopy: return _files.Cancel();
            default:
                log.Err("Unknown operation: " + op);
                return HvStatus.E_FAIL;
        }
    }

    uint Start(ReadOnlySpan<byte> message)
    {
        // file_size (the last field) is ignored, so a message that ends after copy_flags is enough.
        if (message.Length < FcopyLayout.CopyFlags + 4)
        {
            log.Err("START_FILE_COPY too short: " + message.Length + " bytes");
            return HvStatus.E_FAIL;
        }
        NameError e = FcopyNames.Decode(message.Slice(FcopyLayout.PathName, FcopyLayout.NameFieldLength), names, out string path);
        if (e != NameError.None)
        {
            log.Err("START_FILE_COPY: unusable path_name (" + e + ")");
            return HvStatus.E_FAIL;
        }
        e = FcopyNames.Decode(message.Slice(FcopyLayout.FileName, FcopyLayout.NameFieldLength), names, out string name);
        if (e != NameError.None)
        {
            log.Err("START_FILE_COPY: unusable file_name (" + e + ")");
            return HvStatus.E_FAIL;
        }
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(message[FcopyLayout.CopyFlags..]);
        return _files.Start(path, name, flags);
    }

    uint Write(ReadOnlySpan<byte> message)
    {
        if (message.Length < FcopyLayout.WriteData)
        {
            log.Err("WRITE_TO_FILE too short: " + message.Length + " bytes");
            return HvStatus.E_FAIL;
        }
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(message[FcopyLayout.WriteOffset..]);
        uint size = BinaryPrimitives.ReadUInt32LittleEndian(message[FcopyLayout.WriteSize..]);
        if (size > FcopyLayout.DataFragment || size > (uint)(message.Length - FcopyLayout.WriteData))
        {
            log.Err("WRITE_TO_FILE: fragment size " + size + " exceeds the message (" + message.Length + " bytes)");
            return HvStatus.E_FAIL;
        }
        return _files.Write(offset, message.Slice(FcopyLayout.WriteData, (int)size));
    }

    public void OnReset(ResetReason reason)
        => _files.Abandon(reason == ResetReason.Reopen ? "transport reset" : "daemon stopping");

    public int TimerDueMs() => -1;
    public void OnTimer() { }

    public void Dispose() => _files.Dispose();
}
