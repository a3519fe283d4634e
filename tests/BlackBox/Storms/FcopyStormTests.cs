using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using HvDaemons.Fcopy;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Storms;

/// <summary>
/// The published fcopy daemon (char device) under a storm of START / WRITE / COMPLETE /
/// CANCEL / unknown messages with mutated names, flags, offsets and sizes. Every START names
/// the sandbox's own 8 MiB tmpfs, whatever the mutation did to the rest, so the
/// daemon is never told to write anywhere else; the small tmpfs also makes disk-full happen.
/// The daemon never exits, answers each message with a defined status, every COMPLETEd file
/// holds exactly the acknowledged bytes, and a clean copy works afterwards.
/// </summary>
public sealed class FcopyStormTests : IDisposable
{
    // A directory of ours on the host; inside the sandbox a fresh tmpfs is mounted over it.
    readonly string _inbox = Directory.CreateTempSubdirectory("hvd-fcopy-storm-").FullName;

    public void Dispose() => Directory.Delete(_inbox, recursive: true);

    static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);
    static readonly HashSet<uint> Defined = [HvStatus.S_OK, HvStatus.E_FAIL, HvStatus.ERROR_ALREADY_EXISTS, HvStatus.ERROR_DISK_FULL];
    static readonly string[] Names = ["a.txt", "b.bin", "ü ✓.dat", "..", ".", "x/y", "", new string('n', 255)];

    [SkippableFact]
    public void Fcopy_daemon_survives_a_message_storm_into_its_tmpfs()
    {
        BlackBoxEnvironment.RequireSandbox();
        BlackBoxEnvironment.Daemon("hv_fcopy_daemon");
        var host = new SimHost();
        SandboxSpec spec = SandboxSpec.ForDaemon(BlackBoxEnvironment.BinDir, "hv_fcopy_daemon");
        spec.Mounts.Add(new SandboxMount.Tmpfs(_inbox, Size: "8m"));
        using Sandbox sb = Sandbox.Start(host, spec);
        Assert.True(host.Kernel.Fcopy.WaitReady(Bound), sb.Describe());

        int count = StormSettings.Count;
        var rng = new Random(StormSettings.Seed);
        var statuses = new SortedDictionary<string, int>(StringComparer.Ordinal);
        byte[]? model = null;
        int modelLength = 0, verified = 0, lost = 0;
        string? receiving = null;
        var clock = Stopwatch.StartNew();
        for (int i = 0; i < count; i++)
        {
            byte[] m = Next(rng);
            uint op = BinaryPrimitives.ReadUInt32LittleEndian(m);
            var task = host.Kernel.Fcopy.Submit(m);
            if (!task.Wait(Bound)) Assert.Fail($"message {i} (op {op}) got no answer\n{sb.Describe()}");
            DeviceAnswer a = task.Result;
            if (a.Source != AnswerSource.Daemon) Assert.Fail($"message {i} (op {op}) answered by {a.Source}\n{sb.Describe()}");
            Assert.True(Defined.Contains(a.Status), $"message {i} (op {op}): undefined status 0x{a.Status:X8}");
            string name = HvStatus.Name(a.Status);
            statuses[name] = statuses.GetValueOrDefault(name) + 1;

            // What the host was told is stored must be stored: follow one file at a time.
            if (op == FcopyOp.StartFileCopy)
            {
                receiving = a.Status == HvStatus.S_OK ? StartTarget(m) : null;
                model = receiving is null ? null : new byte[0];
                modelLength = 0;
            }
            else if (op == FcopyOp.WriteToFile && a.Status == HvStatus.S_OK && model is not null)
            {
                ulong off = BinaryPrimitives.ReadUInt64LittleEndian(m.AsSpan(FcopyLayout.WriteOffset));
                int size = (int)BinaryPrimitives.ReadUInt32LittleEndian(m.AsSpan(FcopyLayout.WriteSize));
                if (size > 0 && off + (ulong)size <= 1 << 20)
                {
                    if ((int)off + size > model.Length) Array.Resize(ref model, (int)off + size);
                    m.AsSpan(FcopyLayout.WriteData, size).CopyTo(model.AsSpan((int)off));
                    modelLength = Math.Max(modelLength, (int)off + size);
                }
                else if (size > 0) model = null;
            }
            else if (op == FcopyOp.CompleteFcopy && receiving is not null)
            {
                if (a.Status == HvStatus.S_OK && model is not null)
                {
                    byte[] file = File.ReadAllBytes(sb.HostPath(receiving));
                    if (!file.AsSpan().SequenceEqual(model.AsSpan(0, modelLength))) lost++;
                    verified++;
                }
                receiving = null;
                model = null;
            }
            else if (op == FcopyOp.CancelFcopy) { receiving = null; model = null; }
            if (i % 500 == 499)
            {
                Empty(sb);    // keep the tmpfs from staying full; the file in flight goes too
                receiving = null;
                model = null;
            }
        }
        double seconds = clock.Elapsed.TotalSeconds;
        Assert.Null(sb.ExitCode);

        host.Fcopy.Cancel();
        Empty(sb);
        byte[] content = new byte[20_000];
        rng.NextBytes(content);
        FcopyReply copy = host.Fcopy.CopyFile("after-the-storm.bin", _inbox, content, FcopyOp.OverWrite);
        bool after = copy.Status == HvStatus.S_OK && File.ReadAllBytes(sb.HostPath(_inbox + "/after-the-storm.bin")).AsSpan().SequenceEqual(content);
        var unexpected = StormChecks.UnexpectedFiles(sb);
        bool crashedOutput = StormChecks.CrashedOutput(sb);

        StormSettings.WriteFigures("hv_fcopy_daemon",
            ("messages", count), ("seconds", seconds.ToString("0.0")), ("rate", (count / seconds).ToString("0")),
            ("answered", count), ("statuses", string.Join(", ", statuses.Select(s => s.Key + " " + s.Value)) + $"; {verified} completed files verified"),
            ("exited", sb.ExitCode is null ? "no" : "yes"), ("unexpected files", unexpected.Count == 0 ? "none" : string.Join(" ", unexpected)),
            ("after", after ? "yes" : "no"), ("data lost", lost));
        Assert.True(after, "clean copy after the storm: " + copy);
        Assert.Equal(0, lost);
        Assert.Empty(unexpected);
        Assert.False(crashedOutput, string.Join("\n", sb.Output));
        Assert.Null(sb.ExitCode);
    }

    static string StartTarget(byte[] m)
    {
        FcopyNames.Decode(m.AsSpan(FcopyLayout.PathName, FcopyLayout.NameFieldLength), NameEncoding.Utf8, out string path);
        FcopyNames.Decode(m.AsSpan(FcopyLayout.FileName, FcopyLayout.NameFieldLength), NameEncoding.Utf8, out string name);
        return path.TrimEnd('/') + "/" + name;
    }

    void Empty(Sandbox sb)
    {
        foreach (string f in Directory.EnumerateFiles(sb.HostPath(_inbox), "*", SearchOption.AllDirectories))
            File.Delete(f);
    }

    /// <summary>A well-formed request with havoc on top; a START's path is always the inbox.</summary>
    byte[] Next(Random rng)
    {
        byte[] m;
        switch (rng.Next(6))
        {
            case 0:
            case 1:
                string dir = rng.Next(4) == 0 ? _inbox + "/made/by/storm" : _inbox;
                m = FcopyRequests.Start(Names[rng.Next(Names.Length)], dir, (uint)rng.Next(4), (ulong)rng.Next(1 << 20), NameEncoding.Utf8);
                break;
            case 2:
            case 3:
                var data = new byte[rng.Next(3) == 0 ? FcopyLayout.DataFragment : rng.Next(1, 600)];
                rng.NextBytes(data);
                m = FcopyRequests.Write((ulong)rng.Next(0, 1 << 16), data);
                break;
            case 4: m = rng.Next(2) == 0 ? FcopyRequests.Complete() : FcopyRequests.Cancel(); break;
            default:
                m = new byte[rng.Next(4, FcopyLayout.WriteMessageSize + 1)];
                rng.NextBytes(m);
                BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)rng.Next(8));
                break;
        }
        int rounds = rng.Next(3);
        for (int i = 0; i < rounds; i++)
        {
            switch (rng.Next(5))
            {
                case 0: m[rng.Next(m.Length)] ^= (byte)(1 << rng.Next(8)); break;
                case 1 when m.Length >= FcopyLayout.WriteData:
                    uint[] sizes = [0, 1, 6144, 6145, 0xffffffff, 0x80000000];
                    BinaryPrimitives.WriteUInt32LittleEndian(m.AsSpan(FcopyLayout.WriteSize), sizes[rng.Next(sizes.Length)]);
                    break;
                case 2 when m.Length >= FcopyLayout.WriteSize:
                    ulong[] offsets = [0, 1, 1UL << 40, long.MaxValue, ulong.MaxValue, ulong.MaxValue - 10];
                    BinaryPrimitives.WriteUInt64LittleEndian(m.AsSpan(FcopyLayout.WriteOffset), offsets[rng.Next(offsets.Length)]);
                    break;
                case 3 when m.Length >= FcopyLayout.PathName:
                    m[FcopyLayout.FileName + rng.Next(8)] = (byte)rng.Next(256);   // file name bytes: '/', NUL, invalid UTF-8
                    break;
                default: BinaryPrimitives.WriteUInt32LittleEndian(m, (uint)rng.Next(6)); break;
            }
        }
        // Whatever the mutations did, a START only ever names the inbox.
        if (BinaryPrimitives.ReadUInt32LittleEndian(m) == FcopyOp.StartFileCopy)
        {
            if (m.Length < FcopyLayout.StartSize) Array.Resize(ref m, FcopyLayout.StartSize);
            string dir = (m[FcopyLayout.FileSize] & 3) == 0 ? _inbox + "/made/by/storm" : _inbox;
            FcopyRequests.Start("", dir, 0, 0, NameEncoding.Utf8).AsSpan(FcopyLayout.PathName, FcopyLayout.NameFieldLength)
                .CopyTo(m.AsSpan(FcopyLayout.PathName));
        }
        return m;
    }
}
