using System;
using System.Buffers.Binary;
using HvDaemons.Os;

namespace HvDaemons.Kvp.Pool;

/// <summary>One pending change to a pool file: write <see cref="Bytes"/> at <see cref="Offset"/>,
/// then make the file <see cref="NewSize"/> bytes long. Applying it twice changes nothing.</summary>
internal readonly record struct PoolChange(long Offset, long OldSize, long NewSize, byte[] Bytes);

/// <summary>
/// The redo journal beside a pool (.kvp_journal_N): each change is written here whole before
/// it touches the pool and cleared (its magic zeroed) after, so a writer killed half-way (SIGKILL, OOM, a crash
/// between the pages of one write) leaves either a torn journal entry (the pool untouched, the
/// entry discarded) or a complete one (the next locker finishes the change). Readers of the
/// pool itself see whole records once that has happened (docs/kvp.md, "Durability").
/// Format: "HVKJ", u32 version 1, i64 offset, i64 old size, i64 new size, i32 length,
/// u32 FNV-1a of all before it and the bytes, then the bytes; little-endian.
/// </summary>
internal sealed class PoolJournal : IDisposable
{
    const uint Magic = 0x4A4B5648;   // "HVKJ"
    const int Version = 1;
    public const int HeaderSize = 40;

    FileDescriptor? _fd;
    byte[] _entry = Array.Empty<byte>();

    public PoolJournal(string directory, int pool) => Path = directory + "/.kvp_journal_" + pool;

    public string Path { get; }

    /// <summary>True when a change is pending (someone stopped between writing and clearing).
    /// The journal is created only for a writer (<paramref name="writing"/>): readers leave
    /// none behind, and a writer's later looks are then a pread on the kept descriptor.</summary>
    public SysResult Pending(out bool pending, bool writing = false)
    {
        pending = false;
        SysResult r = _fd is null && !writing ? FileOps.Stat(Path, out _, out _) : SysResult.Success();
        if (!r.Ok) return r.Error == Errno.ENOENT ? SysResult.Success() : r;
        r = Open();
        if (!r.Ok) return r;
        Span<byte> magic = stackalloc byte[4];
        r = Posix.PRead(_fd!, magic, 0);
        pending = r.Ok && r.Value == 4 && BinaryPrimitives.ReadUInt32LittleEndian(magic) == Magic;
        return r;
    }

    /// <summary>Writes <paramref name="change"/> as the journal's only entry; fdatasync if asked.</summary>
    public SysResult Record(in PoolChange change, bool sync) => Record(change.Offset, change.OldSize, change.NewSize, change.Bytes, sync);

    /// <summary>As <see cref="Record(in PoolChange, bool)"/>, encoded into a buffer kept for the
    /// next entry, so a change allocates nothing.</summary>
    public SysResult Record(long offset, long oldSize, long newSize, ReadOnlySpan<byte> bytes, bool sync)
    {
        SysResult r = Open();
        if (!r.Ok) return r;
        if (_entry.Length < HeaderSize + bytes.Length) _entry = new byte[HeaderSize + bytes.Length];
        Span<byte> entry = _entry.AsSpan(0, HeaderSize + bytes.Length);
        Encode(offset, oldSize, newSize, bytes, entry);
        r = Posix.PWriteAll(_fd!, entry, 0);
        if (r.Ok && sync) r = Posix.Fdatasync(_fd!);
        return r;
    }

    /// <summary>The pending entry, or null when the journal is empty or its entry torn.</summary>
    public SysResult Read(out PoolChange? change)
    {
        change = null;
        SysResult r = Open();
        if (!r.Ok) return r;
        r = FileOps.Fstat(_fd!, out FileStamp st);
        if (!r.Ok) return r;
        if (st.Size < HeaderSize || st.Size > int.MaxValue) return SysResult.Success();
        byte[] all = new byte[st.Size];
        r = Posix.PRead(_fd!, all, 0);
        if (!r.Ok) return r;
        change = Decode(all.AsSpan(0, (int)r.Value));
        return SysResult.Success();
    }

    /// <summary>Zeroes the magic. The file keeps its size and blocks, so the next entry needs
    /// no new space: on a full disk an update in place still works.</summary>
    public SysResult Clear()
    {
        if (_fd is null) return SysResult.Success();
        ReadOnlySpan<byte> zero = [0, 0, 0, 0];
        return Posix.PWriteAll(_fd, zero, 0);
    }

    SysResult Open()
    {
        if (_fd is not null) return SysResult.Success();
        SysResult r = Posix.Open(Path, Posix.O_RDWR | Posix.O_CREAT | Posix.O_CLOEXEC, 0x180 /* 0600 */, out FileDescriptor fd);
        if (!r.Ok)
        {
            fd.Dispose();
            return r;
        }
        _fd = fd;
        return r;
    }

    internal static byte[] Encode(in PoolChange c)
    {
        byte[] e = new byte[HeaderSize + c.Bytes.Length];
        Encode(c.Offset, c.OldSize, c.NewSize, c.Bytes, e);
        return e;
    }

    static void Encode(long offset, long oldSize, long newSize, ReadOnlySpan<byte> bytes, Span<byte> s)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(s, Magic);
        BinaryPrimitives.WriteInt32LittleEndian(s[4..], Version);
        BinaryPrimitives.WriteInt64LittleEndian(s[8..], offset);
        BinaryPrimitives.WriteInt64LittleEndian(s[16..], oldSize);
        BinaryPrimitives.WriteInt64LittleEndian(s[24..], newSize);
        BinaryPrimitives.WriteInt32LittleEndian(s[32..], bytes.Length);
        bytes.CopyTo(s[HeaderSize..]);
        BinaryPrimitives.WriteUInt32LittleEndian(s[36..], Checksum(s));
    }

    /// <summary>The entry in <paramref name="e"/>, or null if it is not one whole, intact entry.</summary>
    internal static PoolChange? Decode(ReadOnlySpan<byte> e)
    {
        if (e.Length < HeaderSize || BinaryPrimitives.ReadUInt32LittleEndian(e) != Magic
            || BinaryPrimitives.ReadInt32LittleEndian(e[4..]) != Version) return null;
        int length = BinaryPrimitives.ReadInt32LittleEndian(e[32..]);
        if (length < 0 || length > e.Length - HeaderSize) return null;
        e = e[..(HeaderSize + length)];   // what follows is an older, longer entry's tail
        if (BinaryPrimitives.ReadUInt32LittleEndian(e[36..]) != Checksum(e)) return null;
        long offset = BinaryPrimitives.ReadInt64LittleEndian(e[8..]);
        long oldSize = BinaryPrimitives.ReadInt64LittleEndian(e[16..]);
        long newSize = BinaryPrimitives.ReadInt64LittleEndian(e[24..]);
        if (offset < 0 || oldSize < 0 || newSize < 0) return null;
        return new PoolChange(offset, oldSize, newSize, e[HeaderSize..].ToArray());
    }

    /// <summary>FNV-1a over the entry with its checksum field skipped.</summary>
    static uint Checksum(ReadOnlySpan<byte> e)
    {
        // Two loops without a test per byte: a DELETE's entry can be megabytes.
        uint h = Fnv1a(2166136261, e[..Math.Min(36, e.Length)]);
        return e.Length > 40 ? Fnv1a(h, e[40..]) : h;
    }

    static uint Fnv1a(uint h, ReadOnlySpan<byte> bytes)
    {
        foreach (byte b in bytes) h = (h ^ b) * 16777619;
        return h;
    }

    public void Dispose()
    {
        _fd?.Dispose();
        _fd = null;
    }
}
