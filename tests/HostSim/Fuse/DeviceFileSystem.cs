using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Text;
using HvDaemons.HostSim.Kernel;
using Tmds.Linux;

namespace HvDaemons.HostSim.Fuse;

/// <summary>
/// The filesystem mounted at /dev/vmbus: a root directory holding one node per service. File
/// operations on a node go to its <see cref="SimService"/>; everything else gets the minimum
/// the VFS needs (lookup, attributes, a directory listing).
/// </summary>
internal sealed class DeviceFileSystem(SimKernel kernel) : IFuseHandler
{
    const ulong FirstNode = 2;

    SimService? Node(ulong nodeId)
    {
        IReadOnlyList<SimService> devices = kernel.Devices;
        long i = (long)nodeId - (long)FirstNode;
        return i >= 0 && i < devices.Count ? devices[(int)i] : null;
    }

    public void Handle(FuseConnection c, FuseRequest r)
    {
        lock (kernel.Gate)
        {
            switch (r.Opcode)
            {
                case FuseOp.Init: Init(c, r); break;
                case FuseOp.Lookup: Lookup(c, r); break;
                case FuseOp.GetAttr:
                case FuseOp.SetAttr: GetAttr(c, r); break;
                case FuseOp.OpenDir:
                    if (r.NodeId != FuseLayout.RootId) c.ReplyError(r.Unique, LibC.ENOTDIR);
                    else c.Reply(r.Unique, new byte[FuseLayout.OpenOutSize]);
                    break;
                case FuseOp.ReadDir: ReadDir(c, r); break;
                case FuseOp.ReleaseDir:
                case FuseOp.Flush:
                case FuseOp.Fsync:
                case FuseOp.Access: c.Reply(r.Unique, default); break;
                case FuseOp.StatFs: StatFs(c, r); break;
                case FuseOp.Open: Open(c, r); break;
                case FuseOp.Read: Read(c, r); break;
                case FuseOp.Write: Write(c, r); break;
                case FuseOp.Poll: Poll(c, r); break;
                case FuseOp.Release: Release(c, r); break;
                case FuseOp.Interrupt: Interrupt(c, r); break;
                case FuseOp.Forget:
                case FuseOp.BatchForget: break;   // no reply
                case FuseOp.Destroy: c.Reply(r.Unique, default); break;
                default: c.ReplyError(r.Unique, LibC.ENOSYS); break;
            }
        }
    }

    public void ConnectionClosed(FuseConnection c)
    {
        lock (kernel.Gate)
            foreach (SimService s in kernel.Devices) s.ConnectionClosed(c);
    }

    static void Init(FuseConnection c, FuseRequest r)
    {
        uint major = BinaryPrimitives.ReadUInt32LittleEndian(r.Body.AsSpan(FuseLayout.InitMajor));
        uint minor = BinaryPrimitives.ReadUInt32LittleEndian(r.Body.AsSpan(FuseLayout.InitMinor));
        uint readahead = BinaryPrimitives.ReadUInt32LittleEndian(r.Body.AsSpan(FuseLayout.InitMaxReadahead));
        if (major != FuseLayout.KernelMajor)
        {
            c.ReplyError(r.Unique, LibC.EPROTO);
            return;
        }
        c.Minor = Math.Min(minor, FuseLayout.OurMinor);
        byte[] o = new byte[FuseLayout.InitOutSize];
        Span<byte> s = o;
        BinaryPrimitives.WriteUInt32LittleEndian(s[0..], FuseLayout.KernelMajor);
        BinaryPrimitives.WriteUInt32LittleEndian(s[4..], c.Minor);
        BinaryPrimitives.WriteUInt32LittleEndian(s[8..], readahead);
        BinaryPrimitives.WriteUInt32LittleEndian(s[12..], 0);            // no optional features
        BinaryPrimitives.WriteUInt16LittleEndian(s[16..], 16);           // max_background
        BinaryPrimitives.WriteUInt16LittleEndian(s[18..], 12);           // congestion_threshold
        BinaryPrimitives.WriteUInt32LittleEndian(s[20..], FuseLayout.MaxWrite);
        BinaryPrimitives.WriteUInt32LittleEndian(s[24..], 1);            // time_gran
        c.Reply(r.Unique, o);
    }

    void WriteAttr(Span<byte> a, ulong nodeId)
    {
        bool root = nodeId == FuseLayout.RootId;
        BinaryPrimitives.WriteUInt64LittleEndian(a[FuseLayout.AttrIno..], nodeId);
        BinaryPrimitives.WriteUInt32LittleEndian(a[FuseLayout.AttrMode..], root ? FuseLayout.ModeDir | 0x1ed : FuseLayout.ModeReg | 0x180);
        BinaryPrimitives.WriteUInt32LittleEndian(a[FuseLayout.AttrNlink..], root ? 2u : 1u);
        BinaryPrimitives.WriteUInt32LittleEndian(a[FuseLayout.AttrBlksize..], 4096);
    }

    void Lookup(FuseConnection c, FuseRequest r)
    {
        string name = Encoding.UTF8.GetString(r.Body.AsSpan(0, Math.Max(0, Array.IndexOf(r.Body, (byte)0) is int n && n >= 0 ? n : r.Body.Length)));
        IReadOnlyList<SimService> devices = kernel.Devices;
        int i = -1;
        if (r.NodeId == FuseLayout.RootId)
            for (int k = 0; k < devices.Count; k++) if (devices[k].Name == name) i = k;
        if (i < 0)
        {
            c.ReplyError(r.Unique, LibC.ENOENT);
            return;
        }
        ulong node = FirstNode + (ulong)i;
        byte[] o = new byte[FuseLayout.EntryOutSize];
        BinaryPrimitives.WriteUInt64LittleEndian(o.AsSpan(FuseLayout.EntryNodeId), node);
        BinaryPrimitives.WriteUInt64LittleEndian(o.AsSpan(FuseLayout.EntryValid), 1);
        BinaryPrimitives.WriteUInt64LittleEndian(o.AsSpan(FuseLayout.EntryAttrValid), 1);
        WriteAttr(o.AsSpan(FuseLayout.EntryAttr), node);
        c.Reply(r.Unique, o);
    }

    void GetAttr(FuseConnection c, FuseRequest r)
    {
        if (r.NodeId != FuseLayout.RootId && Node(r.NodeId) is null)
        {
            c.ReplyError(r.Unique, LibC.ENOENT);
            return;
        }
        byte[] o = new byte[FuseLayout.AttrOutSize];
        BinaryPrimitives.WriteUInt64LittleEndian(o, 1);
        WriteAttr(o.AsSpan(FuseLayout.AttrOutAttr), r.NodeId);
        c.Reply(r.Unique, o);
    }

    void ReadDir(FuseConnection c, FuseRequest r)
    {
        ulong offset = BinaryPrimitives.ReadUInt64LittleEndian(r.Body.AsSpan(FuseLayout.IoOffset));
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(r.Body.AsSpan(FuseLayout.IoSize));
        var names = new List<(string Name, ulong Ino, uint Type)> { (".", 1, 4), ("..", 1, 4) };
        IReadOnlyList<SimService> devices = kernel.Devices;
        for (int i = 0; i < devices.Count; i++) names.Add((devices[i].Name, FirstNode + (ulong)i, 8));
        var output = new List<byte>();
        for (int i = (int)offset; i < names.Count; i++)
        {
            byte[] name = Encoding.UTF8.GetBytes(names[i].Name);
            int len = (FuseLayout.DirentName + name.Length + 7) & ~7;
            if (output.Count + len > size) break;
            byte[] d = new byte[len];
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(0), names[i].Ino);
            BinaryPrimitives.WriteUInt64LittleEndian(d.AsSpan(8), (ulong)(i + 1));
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(16), (uint)name.Length);
            BinaryPrimitives.WriteUInt32LittleEndian(d.AsSpan(20), names[i].Type);
            name.CopyTo(d, FuseLayout.DirentName);
            output.AddRange(d);
        }
        c.Reply(r.Unique, output.ToArray());
    }

    static void StatFs(FuseConnection c, FuseRequest r)
    {
        byte[] o = new byte[FuseLayout.StatFsOutSize];
        BinaryPrimitives.WriteUInt32LittleEndian(o.AsSpan(56), 4096);   // bsize
        BinaryPrimitives.WriteUInt32LittleEndian(o.AsSpan(60), 255);    // namelen
        BinaryPrimitives.WriteUInt32LittleEndian(o.AsSpan(64), 4096);   // frsize
        c.Reply(r.Unique, o);
    }

    void Open(FuseConnection c, FuseRequest r)
    {
        if (Node(r.NodeId) is not SimService s)
        {
            c.ReplyError(r.Unique, r.NodeId == FuseLayout.RootId ? LibC.EISDIR : LibC.ENOENT);
            return;
        }
        int rc = s.Open(c, r.Pid, out ulong fh);
        if (rc < 0)
        {
            c.ReplyError(r.Unique, -rc);
            return;
        }
        byte[] o = new byte[FuseLayout.OpenOutSize];
        BinaryPrimitives.WriteUInt64LittleEndian(o, fh);
        // Like a misc char device: no page cache, no seeking, no file position at all.
        BinaryPrimitives.WriteUInt32LittleEndian(o.AsSpan(8),
            FuseLayout.FopenDirectIo | FuseLayout.FopenNonSeekable | FuseLayout.FopenStream);
        if (!c.Reply(r.Unique, o)) s.Release(c, fh);   // the opener is gone already
    }

    void Read(FuseConnection c, FuseRequest r)
    {
        if (Node(r.NodeId) is not SimService s) { c.ReplyError(r.Unique, LibC.EBADF); return; }
        ulong fh = BinaryPrimitives.ReadUInt64LittleEndian(r.Body.AsSpan(FuseLayout.IoFh));
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(r.Body.AsSpan(FuseLayout.IoSize));
        s.Read(c, r.Unique, fh, size);
    }

    void Write(FuseConnection c, FuseRequest r)
    {
        if (Node(r.NodeId) is not SimService s) { c.ReplyError(r.Unique, LibC.EBADF); return; }
        ulong fh = BinaryPrimitives.ReadUInt64LittleEndian(r.Body.AsSpan(FuseLayout.IoFh));
        int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(r.Body.AsSpan(FuseLayout.IoSize));
        int header = c.Minor < 9 ? 24 : FuseLayout.WriteInSize;
        size = Math.Min(size, r.Body.Length - header);
        int rc = s.Write(fh, r.Body.AsSpan(header, size));
        if (rc < 0) { c.ReplyError(r.Unique, -rc); return; }
        byte[] o = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(o, (uint)rc);
        c.Reply(r.Unique, o);
    }

    void Poll(FuseConnection c, FuseRequest r)
    {
        if (Node(r.NodeId) is not SimService s) { c.ReplyError(r.Unique, LibC.EBADF); return; }
        ulong fh = BinaryPrimitives.ReadUInt64LittleEndian(r.Body.AsSpan(FuseLayout.IoFh));
        ulong kh = BinaryPrimitives.ReadUInt64LittleEndian(r.Body.AsSpan(FuseLayout.PollKh));
        uint flags = BinaryPrimitives.ReadUInt32LittleEndian(r.Body.AsSpan(FuseLayout.PollFlags));
        uint revents = s.Poll(c, fh, kh, (flags & FuseLayout.PollScheduleNotify) != 0);
        byte[] o = new byte[8];
        BinaryPrimitives.WriteUInt32LittleEndian(o, revents);
        c.Reply(r.Unique, o);
    }

    void Release(FuseConnection c, FuseRequest r)
    {
        ulong fh = BinaryPrimitives.ReadUInt64LittleEndian(r.Body.AsSpan(FuseLayout.IoFh));
        Node(r.NodeId)?.Release(c, fh);
        c.Reply(r.Unique, default);
    }

    void Interrupt(FuseConnection c, FuseRequest r)
    {
        ulong target = BinaryPrimitives.ReadUInt64LittleEndian(r.Body);
        foreach (SimService s in kernel.Devices)
            if (s.Interrupt(c, target)) return;
        // Interrupts overtake the request they name; remember it for when the read arrives.
        c.EarlyInterrupts.Add(target);
    }
}
