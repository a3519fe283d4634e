using System;
using System.IO;
using HvDaemons.Os;
using HvDaemons.Transport;
using Tmds.Linux;
using Xunit;

namespace HvDaemons.Tests.Transport;

/// <summary>
/// The two uio device openers: 4-byte interrupt reads and irq-control writes over FIFOs, the
/// failures each open step can report, and that Dispose releases every descriptor.
/// </summary>
public sealed unsafe class UioDeviceTests : IDisposable
{
    readonly string _dir = Directory.CreateTempSubdirectory("hvd-uiodev-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    string Fifo(string name)
    {
        string path = Path.Combine(_dir, name);
        byte[] bytes = System.Text.Encoding.UTF8.GetBytes(path + "\0");
        fixed (byte* p = bytes) Assert.Equal(0, LibC.mkfifo(p, 0x180));
        return path;
    }

    /// <summary>True when some process has the FIFO open for reading (a non-blocking writer open succeeds).</summary>
    static bool HasReader(string fifo)
    {
        SysResult r = Posix.Open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK, 0, out FileDescriptor fd);
        fd.Dispose();
        if (!r.Ok) Assert.Equal(Errno.ENXIO, r.Error);
        return r.Ok;
    }

    [Fact]
    public void CharDeviceReadsAndWritesFourByteCounts()
    {
        string node = Fifo("uio0");
        Assert.True(UioCharDevice.Open(node, out IUioDevice? device).Ok);
        using (device)
        {
            Assert.NotNull(device);
            Assert.Equal(node, device!.Description);
            Assert.True(device.EventFd > 2);
            Assert.True(device.WriteIrqControl(0x01020304).Ok);
            SysResult read = device.ReadInterruptCount();
            Assert.True(read.Ok);
            Assert.Equal(0x01020304L, read.Value);
            // Nothing queued: a non-blocking read fails rather than inventing a count.
            Assert.False(device.ReadInterruptCount().Ok);
        }
        Assert.False(HasReader(node));
    }

    [Fact]
    public void CharDeviceOpenFailureLeavesNoDevice()
    {
        SysResult r = UioCharDevice.Open(Path.Combine(_dir, "uio9"), out IUioDevice? device);
        Assert.False(r.Ok);
        Assert.Equal(Errno.ENOENT, r.Error);
        Assert.Null(device);
    }

    [Fact]
    public void AFailedIrqWriteReportsTheKernelsErrno()
    {
        // /dev/full fails each write with ENOSPC; reads succeed with zeros.
        Assert.True(UioCharDevice.Open("/dev/full", out IUioDevice? device).Ok);
        using (device)
        {
            SysResult w = device!.WriteIrqControl(1);
            Assert.False(w.Ok);
            Assert.Equal(Errno.ENOSPC, w.Error);
            SysResult read = device.ReadInterruptCount();
            Assert.True(read.Ok);
            Assert.Equal(0L, read.Value);
        }
    }

    [Fact]
    public void SimulatedDeviceUsesItsIrqAndCtlFifos()
    {
        string memory = Path.Combine(_dir, "uio1");
        File.WriteAllBytes(memory, new byte[8192]);
        string irq = Fifo("uio1.irq"), ctl = Fifo("uio1.ctl");
        Assert.True(UioSimulatedDevice.Open(memory, out IUioDevice? device).Ok);
        FileDescriptor hostIrq = OpenWriter(irq), hostCtl = OpenReader(ctl);
        Assert.Equal(memory + " (simulated)", device!.Description);
        Assert.True(Posix.Write(hostIrq, BitConverter.GetBytes(7u)).Ok);
        SysResult count = device.ReadInterruptCount();
        Assert.True(count.Ok);
        Assert.Equal(7L, count.Value);

        Assert.True(device.WriteIrqControl(1).Ok);
        var got = new byte[8];
        SysResult r = Posix.ReadOnce(hostCtl, got);
        Assert.True(r.Ok);
        Assert.Equal(4L, r.Value);
        Assert.Equal(1u, BitConverter.ToUInt32(got));

        Assert.True(device.MapRings(8192, out SharedMapping? mapping).Ok);
        mapping!.Dispose();
        device.Dispose();
        hostIrq.Dispose();
        hostCtl.Dispose();
        Assert.False(HasReader(irq));
        Assert.False(HasReader(ctl));
        Assert.DoesNotContain(OpenTargets(), t => t == memory);
    }

    [Theory]
    [InlineData(false, false, false)]
    [InlineData(true, false, false)]
    [InlineData(true, true, false)]
    public void SimulatedDeviceReportsTheMissingPiece(bool hasMemory, bool hasIrq, bool hasCtl)
    {
        string memory = Path.Combine(_dir, "uio2");
        if (hasMemory) File.WriteAllBytes(memory, new byte[4096]);
        if (hasIrq) Fifo("uio2.irq");
        if (hasCtl) Fifo("uio2.ctl");
        SysResult r = UioSimulatedDevice.Open(memory, out IUioDevice? device);
        Assert.False(r.Ok);
        Assert.Equal(Errno.ENOENT, r.Error);
        Assert.Null(device);
        Assert.DoesNotContain(OpenTargets(), t => t.StartsWith(memory, StringComparison.Ordinal));
    }

    static FileDescriptor OpenWriter(string fifo)
    {
        Assert.True(Posix.Open(fifo, Posix.O_WRONLY | Posix.O_NONBLOCK, 0, out FileDescriptor fd).Ok);
        return fd;
    }

    static FileDescriptor OpenReader(string fifo)
    {
        Assert.True(Posix.Open(fifo, Posix.O_RDONLY | Posix.O_NONBLOCK, 0, out FileDescriptor fd).Ok);
        return fd;
    }

    /// <summary>What this process's descriptors point at (our temp paths are unique to the test).</summary>
    static string[] OpenTargets()
    {
        var targets = new System.Collections.Generic.List<string>();
        foreach (string fd in Directory.GetFiles("/proc/self/fd"))
        {
            try { targets.Add(new FileInfo(fd).LinkTarget ?? ""); }
            catch (IOException) { }   // closed between listing and reading
        }
        return targets.ToArray();
    }
}
