using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using HvDaemons.Fcopy;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Logging;
using HvDaemons.Wire;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// FcopyService.Handle with START / WRITE / COMPLETE / CANCEL messages (either name encoding),
/// state kept across inputs as in the daemon. START's path_name is always replaced by a
/// directory of the fixture (a fuzzer must not write where the host says); everything else
/// is fuzzed. Checks: 4-byte reply, a defined status, the target file inside the fixture, and
/// after COMPLETE the file holds exactly the bytes WRITE acknowledged (data lost otherwise);
/// CANCEL leaves no file behind.
/// </summary>
sealed class FcopyHandleTarget : FuzzTarget
{
    const long ModelLimit = 1 << 20;   // files larger than this (huge offsets) are not compared
    static readonly HashSet<uint> Statuses = [HvStatus.S_OK, HvStatus.E_FAIL, HvStatus.ERROR_ALREADY_EXISTS, HvStatus.ERROR_DISK_FULL];

    readonly Fixture _fx = new("fcopy");
    readonly NameEncoding _encoding;
    readonly byte[] _buffer = new byte[FcopyLayout.MaxMessageSize];
    FcopyService _service;
    byte[]? _model;       // expected contents of the file being received
    long _modelLength;
    long _lost;
    int _inputs;

    public FcopyHandleTarget(NameEncoding encoding)
    {
        _encoding = encoding;
        _service = new FcopyService(new MemoryLogger(), encoding);
    }

    public override string Name => _encoding == NameEncoding.Utf8 ? "fcopy-handle" : "fcopy-handle-uio";
    public override string Description => "fcopy handler (" + (_encoding == NameEncoding.Utf8 ? "char device, UTF-8" : "uio, UTF-16") +
                                          " names): START into the fixture, WRITE, COMPLETE, CANCEL; received bytes checked";
    public override int MaxInputLength => FcopyLayout.MaxMessageSize;
    public override long DataLost => _lost;
    public override IReadOnlyList<int> HotOffsets =>
        [FcopyLayout.Operation, FcopyLayout.FileName, FcopyLayout.FileName + 2, FcopyLayout.CopyFlags, FcopyLayout.FileSize,
         FcopyLayout.WriteOffset, FcopyLayout.WriteOffset + 4, FcopyLayout.WriteSize, FcopyLayout.WriteData];

    public override IEnumerable<byte[]> Seeds()
    {
        yield return Start("hello.txt", FcopyOp.OverWrite | FcopyOp.CreatePath);
        yield return Start("ünï ✓.bin", FcopyOp.OverWrite);
        yield return Start("hello.txt", 0);
        yield return Write(0, "first fragment"u8);
        yield return Write(6000, new byte[FcopyLayout.DataFragment]);
        yield return Op(FcopyOp.CompleteFcopy);
        yield return Op(FcopyOp.CancelFcopy);
        yield return Op(9);
    }

    byte[] Start(string name, uint flags)
    {
        var m = new byte[FcopyLayout.StartSize];
        BinaryPrimitives.WriteUInt32LittleEndian(m, FcopyOp.StartFileCopy);
        FcopyNames.Encode(name, _encoding, m.AsSpan(FcopyLayout.FileName, FcopyLayout.NameFieldLength));
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.CopyFlags), flags);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.FileSize), 100);
        return m;
    }

    static byte[] Write(ulong offset, ReadOnlySpan<byte> data)
    {
        var m = new byte[FcopyLayout.WriteMessageSize];
        BinaryPrimitives.WriteUInt32LittleEndian(m, FcopyOp.WriteToFile);
        BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.WriteOffset), offset);
        BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.WriteSize), (uint)data.Length);
        data.CopyTo(m.AsSpan(FcopyLayout.WriteData));
        return m;
    }

    static byte[] Op(uint op)
    {
        var m = new byte[FcopyLayout.HeaderSize];
        BinaryPrimitives.WriteUInt32LittleEndian(m, op);
        return m;
    }

    public override Verdict Run(byte[] input)
    {
        if (++_inputs % 2000 == 0) Clean();
        Array.Clear(_buffer);
        input.CopyTo(_buffer, 0);
        uint op = input.Length >= 4 ? BinaryPrimitives.ReadUInt32LittleEndian(input) : uint.MaxValue;
        if (op == FcopyOp.StartFileCopy && input.Length >= FcopyLayout.PathName + FcopyLayout.NameFieldLength)
        {
            // Only ever into the fixture: the path field is ours, one of two directories.
            string dir = (_buffer[FcopyLayout.FileSize] & 1) == 0 ? _fx.Root : _fx.Path("made/by/create_path");
            FcopyNames.Encode(dir, _encoding, _buffer.AsSpan(FcopyLayout.PathName, FcopyLayout.NameFieldLength));
        }
        string? before = _service.CurrentTarget;

        int n = _service.Handle(_buffer, input.Length);
        Check(n == FcopyLayout.ReplySize, $"reply length {n}");
        uint status = BinaryPrimitives.ReadUInt32LittleEndian(_buffer);
        Check(Statuses.Contains(status), $"undefined status 0x{status:X8} for op {op}");
        string? target = _service.CurrentTarget;
        if (target is not null)
            Check(target.StartsWith(_fx.Root + "/", StringComparison.Ordinal) && !target.Contains("/../", StringComparison.Ordinal),
                  "receiving outside the fixture: " + target);

        switch (op)
        {
            case FcopyOp.StartFileCopy:
                _model = status == HvStatus.S_OK ? new byte[0] : null;
                _modelLength = 0;
                break;
            case FcopyOp.WriteToFile when status == HvStatus.S_OK && _model is not null:
                Record(input);
                break;
            case FcopyOp.CompleteFcopy when before is not null:
                Check(status == HvStatus.S_OK, $"COMPLETE failed: 0x{status:X8}");
                Verify(before);
                _model = null;
                break;
            case FcopyOp.CancelFcopy when before is not null:
                Check(!File.Exists(before), "CANCEL left the partial file");
                _model = null;
                break;
        }
        return new Verdict(status != HvStatus.S_OK, FuzzRunner.Behaviour(op < 5 ? op : 5, status, target is null));
    }

    void Record(byte[] input)
    {
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(input.AsSpan(FcopyLayout.WriteOffset));
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(input.AsSpan(FcopyLayout.WriteSize));
        if (size == 0) return;   // pwrite of nothing does not extend the file
        ulong end = offset + (ulong)size;
        if (end > ModelLimit || _model is null)
        {
            _model = null;    // too large to mirror; stop checking this file
            return;
        }
        if ((long)end > _model.Length) Array.Resize(ref _model, (int)Math.Max((long)end, _model.Length * 2L));
        input.AsSpan(FcopyLayout.WriteData, size).CopyTo(_model.AsSpan((int)offset));
        _modelLength = Math.Max(_modelLength, (long)end);
    }

    void Verify(string path)
    {
        if (_model is null) return;
        byte[] file = File.ReadAllBytes(path);
        if (file.Length != _modelLength || !file.AsSpan().SequenceEqual(_model.AsSpan(0, (int)_modelLength)))
        {
            _lost++;
            throw new InvariantViolation($"data lost: {path} has {file.Length} bytes, {_modelLength} acknowledged");
        }
    }

    /// <summary>Ends any copy and empties the fixture, so files do not pile up.</summary>
    void Clean()
    {
        _service.OnReset(Daemon.ResetReason.Reopen);
        _model = null;
        foreach (string f in Directory.GetFiles(_fx.Root)) File.Delete(f);
    }

    public override void Reset()
    {
        _service.Dispose();
        _service = new FcopyService(new MemoryLogger(), _encoding);
        _model = null;
    }

    public override void Dispose()
    {
        _service.Dispose();
        _fx.Dispose();
    }
}
