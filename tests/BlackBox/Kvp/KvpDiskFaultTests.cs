using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using HvDaemons.HostSim.Host;
using HvDaemons.HostSim.Kernel;
using HvDaemons.HostSim.Sandboxing;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.BlackBox.Kvp;

/// <summary>
/// The pool directory misbehaving under the published daemon: full, read-only, damaged files,
/// a lock held past the kernel's timeout. Each: a defined status, one clear log line, nothing
/// already stored lost, and the next request served.
/// </summary>
public sealed class KvpDiskFaultTests
{
    static readonly (string, string)[] Stored = [("stored-1", "first"), ("stored-2", "second")];

    /// <summary>/var/lib/hyperv on a tmpfs of the given size (seeded files are copied in).</summary>
    static SandboxSpec OnTmpfs(string? size = null)
    {
        var spec = KvpDaemon.Spec();
        spec.Mounts.RemoveAll(m => m.Target == KvpDaemon.PoolDir);
        spec.Mounts.Add(new SandboxMount.Tmpfs(KvpDaemon.PoolDir, size));
        return spec;
    }

    [SkippableFact]
    public void A_full_disk_fails_the_SET_with_one_line_and_keeps_every_stored_record_whole()
    {
        var spec = OnTmpfs("16k").WithFile(KvpDaemon.PoolDir + "/.kvp_pool_1", PoolRecords.Encode(Stored));
        using var d = KvpDaemon.Start(spec);

        var acked = new List<(string, string)>(Stored);
        KvpReply r = null!;
        for (int i = 0; i < 20; i++)
        {
            r = d.Kvp.Set(KvpPoolId.Guest, "fill-" + i, new string('x', 1000));
            Assert.Equal(AnswerSource.Daemon, r.Source);
            if (r.Status != HvStatus.S_OK) break;
            acked.Add(("fill-" + i, new string('x', 1000)));
        }
        Assert.Equal(HvStatus.S_CONT, r.Status);
        Assert.InRange(acked.Count, 3, 7);   // 16 KiB holds six records, the seeded two among them
        d.AssertOneLine("Failed to write file, pool: 1; error: 28 ");   // ENOSPC, answered as failed

        // Nothing stored was lost and no half record was left behind.
        byte[] file = File.ReadAllBytes(d.PoolPath(1));
        Assert.Equal(0, file.Length % PoolRecords.Size);
        Assert.Equal(acked, PoolRecords.Decode(file));
        Assert.Equal(acked, d.EnumerateAll(KvpPoolId.Guest));

        // Updating in place needs no new space; deleting frees space for the next append.
        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(KvpPoolId.Guest, "stored-1", "updated").Status);
        Assert.Equal("updated", d.Kvp.Get(KvpPoolId.Guest, "stored-1").Value);
        Assert.Equal(HvStatus.S_OK, d.Kvp.Delete(KvpPoolId.Guest, "fill-0").Status);
        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(KvpPoolId.Guest, "after-delete", "fits").Status);
        Assert.Equal("second", d.Kvp.Get(KvpPoolId.Guest, "stored-2").Value);
        Assert.Null(d.Sandbox.ExitCode);
    }

    [SkippableFact]
    public void A_read_only_pool_directory_serves_reads_and_refuses_writes_with_one_line_each()
    {
        byte[] seeded = PoolRecords.Encode(Stored);
        var spec = OnTmpfs().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_0", seeded);
        for (int p = 1; p < KvpPoolId.Count; p++) spec.WithFile(KvpDaemon.PoolDir + "/.kvp_pool_" + p, Array.Empty<byte>());
        spec.SetupLines.Add("mount -o remount,ro " + KvpDaemon.PoolDir);
        using var d = KvpDaemon.Start(spec);

        Assert.Equal("first", d.Kvp.Get(KvpPoolId.External, "stored-1").Value);
        Assert.Equal(Stored, d.EnumerateAll(KvpPoolId.External));

        KvpReply set = d.Kvp.Set(KvpPoolId.External, "new", "v");
        Assert.Equal((HvStatus.S_CONT, AnswerSource.Daemon), (set.Status, set.Source!.Value));
        d.AssertOneLine("Failed to write file, pool: 0; error: 30 ");   // EROFS
        KvpReply update = d.Kvp.Set(KvpPoolId.External, "stored-1", "changed");
        Assert.Equal(HvStatus.S_CONT, update.Status);
        KvpReply del = d.Kvp.Delete(KvpPoolId.External, "stored-2");
        Assert.Equal(HvStatus.S_CONT, del.Status);
        static bool Refused(SyslogLine l) => l.Message.StartsWith("Failed to write file, pool: 0; error: 30 ", StringComparison.Ordinal);
        Assert.True(d.Log.WaitForCount(Refused, 3, KvpDaemon.Bound), d.Describe());
        Assert.Equal(3, d.Log.Lines.Count(Refused));
        Assert.Equal(3, d.ErrorLines);   // one line per refused request, nothing else

        Assert.Equal(seeded, File.ReadAllBytes(d.PoolPath(0)));
        Assert.Equal(Stored, d.EnumerateAll(KvpPoolId.External));
        Assert.Equal("second", d.Kvp.Get(KvpPoolId.External, "stored-2").Value);
        Assert.Null(d.Sandbox.ExitCode);
    }

    [SkippableFact]
    public void A_pool_file_cut_mid_record_keeps_its_whole_records_and_says_so_once()
    {
        byte[] whole = PoolRecords.Encode(("a", "1"), ("b", "2"), ("c", "3"));
        byte[] cut = [.. whole, .. PoolRecords.Encode(("d", "4")).AsSpan(0, 1000)];
        using var d = KvpDaemon.Start(KvpDaemon.Spec().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_0", cut));

        Assert.Equal([("a", "1"), ("b", "2"), ("c", "3")], d.EnumerateAll(KvpPoolId.External));
        Assert.Equal("2", d.Kvp.Get(KvpPoolId.External, "b").Value);
        d.AssertOneLine($"is {cut.Length} bytes, not a multiple of 2560; using its 3 whole records and ignoring the last 1000 bytes", severity: 4);

        // The next append replaces the torn tail with a whole record.
        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(KvpPoolId.External, "e", "5").Status);
        byte[] after = File.ReadAllBytes(d.PoolPath(0));
        Assert.Equal(4 * PoolRecords.Size, after.Length);
        Assert.Equal(whole, after[..whole.Length]);
        Assert.Equal([("a", "1"), ("b", "2"), ("c", "3"), ("e", "5")], d.EnumerateAll(KvpPoolId.External));
        d.AssertServes();
    }

    [SkippableFact]
    public void A_pool_file_full_of_garbage_is_served_as_valid_strings_and_left_as_it_was()
    {
        byte[] garbage = new byte[3 * PoolRecords.Size];
        new Random(8).NextBytes(garbage);
        using var d = KvpDaemon.Start(KvpDaemon.Spec().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_3", garbage));

        for (uint i = 0; i < 3; i++)
        {
            KvpReply e = d.Kvp.Enumerate(KvpPoolId.AutoExternal, i);
            // The kernel fails the request (HV_E_FAIL) for bytes it cannot convert, so S_OK proves valid UTF-8.
            Assert.True((HvStatus.S_OK, AnswerSource.Daemon) == (e.Status, e.Source), "record " + i + ": " + e);
        }
        Assert.Equal(HvStatus.S_CONT, d.Kvp.Enumerate(KvpPoolId.AutoExternal, 3).Status);
        Assert.Equal(HvStatus.S_OK, d.Kvp.Set(KvpPoolId.AutoExternal, "clean", "value").Status);
        Assert.Equal("value", d.Kvp.Get(KvpPoolId.AutoExternal, "clean").Value);
        byte[] after = File.ReadAllBytes(d.PoolPath(3));
        Assert.Equal(garbage, after[..garbage.Length]);   // nothing stored was rewritten
        Assert.Equal(4 * PoolRecords.Size, after.Length);
        Assert.Equal(0, d.ErrorLines);
        d.AssertServes();
    }

    /// <summary>
    /// Another program holds the pool's lock longer than the kernel waits: the host gets HV_E_FAIL
    /// from the kernel timeout; once the lock is free the daemon finishes, its late reply gets
    /// EINVAL, it reopens the device and registers again, and serves with nothing lost.
    /// </summary>
    [SkippableTheory]
    [InlineData("flock")]
    [InlineData("fcntl")]
    public void A_lock_held_past_the_kernel_timeout_costs_one_request_and_nothing_stored(string kind)
    {
        var spec = KvpDaemon.Spec().WithFile(KvpDaemon.PoolDir + "/.kvp_pool_1", PoolRecords.Encode(Stored));
        using var d = KvpDaemon.Start(spec);
        using (var holder = new LockHolder(d.PoolPath(1), kind))
        {
            KvpReply r;
            using (d.Device.KernelTimeout(TimeSpan.FromSeconds(1)))
                r = d.Kvp.Set(KvpPoolId.Guest, "while-locked", "late");
            Assert.Equal((HvStatus.E_FAIL, AnswerSource.KernelTimeout), (r.Status, r.Source!.Value));
            Assert.Null(d.Sandbox.ExitCode);
            holder.Release();
        }
        Assert.True(d.Device.WaitForEvent("write rejected: EINVAL", KvpDaemon.Bound), d.Describe());
        d.AssertRegistered(2);
        d.AssertOneLine("write failed; error: 22 ");

        // The SET the host gave up on was completed by the daemon; the stored records are intact.
        Assert.Equal([.. Stored, ("while-locked", "late")], d.PoolOnDisk(1));
        Assert.Equal([.. Stored, ("while-locked", "late")], d.EnumerateAll(KvpPoolId.Guest));
        d.AssertServes();
    }
}
