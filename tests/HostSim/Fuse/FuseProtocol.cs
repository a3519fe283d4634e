namespace HvDaemons.HostSim.Fuse;

/// <summary>Op codes and struct layouts of the kernel FUSE protocol (linux/fuse.h, 7.x).</summary>
internal static class FuseOp
{
    public const uint Lookup = 1, Forget = 2, GetAttr = 3, SetAttr = 4, Open = 14, Read = 15,
        Write = 16, StatFs = 17, Release = 18, Fsync = 20, GetXattr = 22, ListXattr = 23, Flush = 25,
        Init = 26, OpenDir = 27, ReadDir = 28, ReleaseDir = 29, Access = 34, Interrupt = 36,
        Destroy = 38, Poll = 40, BatchForget = 42;
}

/// <summary>Byte offsets of the structures we read and write, little-endian, packed as in fuse.h.</summary>
internal static class FuseLayout
{
    public const uint KernelMajor = 7;
    public const uint OurMinor = 38;       // the header this was written against
    public const uint MaxWrite = 128 * 1024;
    /// <summary>The kernel refuses smaller /dev/fuse read buffers than max_write plus headers.</summary>
    public const int ReadBufferSize = (int)MaxWrite + 64 * 1024;
    public const ulong RootId = 1;

    // fuse_in_header (40 bytes)
    public const int InLen = 0, InOpcode = 4, InUnique = 8, InNodeId = 16, InUid = 24, InGid = 28, InPid = 32;
    public const int InHeaderSize = 40;
    // fuse_out_header (16 bytes)
    public const int OutLen = 0, OutError = 4, OutUnique = 8;
    public const int OutHeaderSize = 16;

    // fuse_init_in: major, minor, max_readahead, flags
    public const int InitMajor = 0, InitMinor = 4, InitMaxReadahead = 8;
    public const int InitOutSize = 64;

    // fuse_read_in / fuse_write_in share fh @0, offset @8, size @16
    public const int IoFh = 0, IoOffset = 8, IoSize = 16, IoFlags = 32;
    public const int WriteInSize = 40;

    // fuse_open_in: flags @0; fuse_open_out: fh @0, open_flags @8 (16 bytes)
    public const int OpenOutSize = 16;
    public const uint FopenDirectIo = 1 << 0, FopenNonSeekable = 1 << 2, FopenStream = 1 << 4;

    // fuse_release_in: fh @0
    // fuse_interrupt_in: unique @0
    // fuse_poll_in: fh @0, kh @8, flags @16, events @20; fuse_poll_out: revents @0 (8 bytes)
    public const int PollKh = 8, PollFlags = 16, PollEvents = 20;
    public const uint PollScheduleNotify = 1;
    public const int NotifyPoll = 1;

    // fuse_attr (88 bytes)
    public const int AttrIno = 0, AttrSize = 8, AttrBlocks = 16, AttrMode = 60, AttrNlink = 64,
        AttrUid = 68, AttrGid = 72, AttrRdev = 76, AttrBlksize = 80;
    public const int AttrLength = 88;
    // fuse_entry_out: nodeid, generation, entry_valid, attr_valid, 2 nsec, attr (128 bytes)
    public const int EntryNodeId = 0, EntryValid = 16, EntryAttrValid = 24, EntryAttr = 40;
    public const int EntryOutSize = EntryAttr + AttrLength;
    // fuse_attr_out: attr_valid, attr_valid_nsec, dummy, attr (104 bytes)
    public const int AttrOutAttr = 16;
    public const int AttrOutSize = AttrOutAttr + AttrLength;
    public const int StatFsOutSize = 80;
    // fuse_dirent: ino, off, namelen, type, name (8-aligned)
    public const int DirentName = 24;

    public const uint ModeDir = 0x4000, ModeReg = 0x8000;
}
