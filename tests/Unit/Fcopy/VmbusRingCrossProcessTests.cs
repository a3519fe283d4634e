using System;
using System.Diagnostics;
using HvDaemons.Transport;
using HvDaemons.HostSim.Uio;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>VmbusRing (guest side) against the independent C host in another process.</summary>
public class VmbusRingCrossProcessTests
{
    /// <summary>Guest side of "echo": every packet read from RX is written back to TX unchanged.</summary>
    static void Echo(SharedRingFile f, Process host, int count)
    {
        var buffer = new byte[f.Rx.DataSize];
        var sw = Stopwatch.StartNew();
        int echoed = 0;
        while (echoed < count)
        {
            Assert.True(sw.Elapsed < TimeSpan.FromSeconds(30), $"stalled after {echoed} packets");
            if (host.HasExited && host.ExitCode != 0) break;
            RingResult r = f.Rx.TryRead(buffer);
            if (r.Status == RingStatus.Empty) { System.Threading.Thread.SpinWait(50); continue; }
            Assert.Equal(RingStatus.Ok, r.Status);
            RingResult w;
            while ((w = f.Tx.TryWrite(buffer.AsSpan(0, r.Length))).Status == RingStatus.Full)
                System.Threading.Thread.SpinWait(50);
            Assert.Equal(RingStatus.Ok, w.Status);
            echoed++;
        }
        Assert.True(host.WaitForExit(30000), "host did not finish");
        string err = host.StandardError.ReadToEnd();
        Assert.True(host.ExitCode == 0, $"host exit {host.ExitCode}: {err}");
        Assert.Equal(count.ToString(), host.StandardOutput.ReadToEnd().Trim());
    }

    [Fact]
    public void WrapAroundAtEveryStartOffset()
    {
        // 512-byte data areas; packets of 24..88 bytes starting at each of the 64 aligned offsets,
        // so the end of the ring cuts descriptors, payloads and trailers at every 8-byte position.
        const int ringBytes = 4096 + 512;
        for (uint start = 0; start < 512; start += 8)
        {
            using var f = new SharedRingFile(ringBytes);
            f.SetIndices(0, start, start);
            f.SetIndices(1, start, start);
            using Process host = RingHostProgram.Start(f.Path, ringBytes.ToString(), "echo", "12", start.ToString(), "9");
            Echo(f, host, 12);
        }
    }

    [Fact]
    public void LongStreamWithRandomSizes()
    {
        const int ringBytes = 4096 + 4096;
        using var f = new SharedRingFile(ringBytes);
        using Process host = RingHostProgram.Start(f.Path, ringBytes.ToString(), "echo", "20000", "7", "120");
        Echo(f, host, 20000);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(8u)]
    [InlineData(216u)]
    [InlineData(248u)]
    public void HostFillsRxUntilFullAndGuestReadsEverything(uint start)
    {
        const int ringBytes = 4096 + 256;
        using var f = new SharedRingFile(ringBytes);
        f.SetIndices(1, start, start);
        var (code, output) = RingHostProgram.Run(RingHostProgram.Binary, [f.Path, ringBytes.ToString(), "fill", "3", "4"]);
        Assert.Equal(0, code);
        // 40 bytes per packet with trailer; a write needs free space strictly greater: 6 fit in 256.
        Assert.Equal("6", output.Trim());
        Assert.Equal(240, f.Rx.Readable());
        var buffer = new byte[256];
        for (uint i = 0; i < 6; i++)
        {
            RingResult r = f.Rx.TryRead(buffer);
            Assert.Equal(RingStatus.Ok, r.Status);
            Assert.Equal(RingPackets.Make(i, 3, 4, fixedSize: true), buffer[..r.Length]);
        }
        Assert.Equal(RingStatus.Empty, f.Rx.TryRead(buffer).Status);
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(16u)]
    [InlineData(248u)]
    public void GuestFillsTxUntilFullAndHostReadsEverything(uint start)
    {
        const int ringBytes = 4096 + 256;
        using var f = new SharedRingFile(ringBytes);
        f.SetIndices(0, start, start);
        int written = 0;
        while (f.Tx.TryWrite(RingPackets.Make((uint)written, 5, 4, fixedSize: true)).Status == RingStatus.Ok) written++;
        Assert.Equal(6, written);
        Assert.Equal(RingStatus.Full, f.Tx.TryWrite(new byte[16]).Status);
        var (code, output) = RingHostProgram.Run(RingHostProgram.Binary, [f.Path, ringBytes.ToString(), "drain", "6", "5", "4"]);
        Assert.True(code == 0, output);
        Assert.Equal("6", output.Trim());
        // Room again once the host has read.
        Assert.Equal(RingStatus.Ok, f.Tx.TryWrite(RingPackets.Make(0, 5, 4, true)).Status);
    }
}
