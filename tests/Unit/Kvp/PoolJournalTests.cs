using System;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.Kvp.Pool;
using HvDaemons.Logging;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>
/// Crash safety of pool writes: a writer stopped at any byte of its journal entry or of its
/// change to the pool leaves, once the next locker has looked, whole records each holding the
/// old or the new value. The crash is simulated by writing those partial states by hand.
/// </summary>
public class PoolJournalTests
{
    const int R = 2560;
    static readonly byte[] Old = PoolFileTests.Record("a", "old-a").Concat(PoolFileTests.Record("b", "old-b"))
                                               .Concat(PoolFileTests.Record("c", "old-c")).ToArray();

    static string JournalPath(TempPools t, int pool) => Path.Combine(t.Paths.PoolDirectory, ".kvp_journal_" + pool);

    /// <summary>A pending entry starts with the magic "HVKJ"; a cleared one with zeros.</summary>
    static bool Pending(TempPools t) => File.Exists(JournalPath(t, 1)) && File.ReadAllBytes(JournalPath(t, 1)).AsSpan().StartsWith("HVKJ"u8);

    [Fact]
    public void EntriesRoundTripAndAnyPrefixOrFlippedByteIsRefused()
    {
        var c = new PoolChange(R + 512, 3 * R, 3 * R, Encoding.UTF8.GetBytes("välue"));
        byte[] e = PoolJournal.Encode(c);
        PoolChange d = PoolJournal.Decode(e)!.Value;
        Assert.Equal((c.Offset, c.OldSize, c.NewSize), (d.Offset, d.OldSize, d.NewSize));
        Assert.Equal(c.Bytes, d.Bytes);
        for (int n = 0; n < e.Length; n++) Assert.Null(PoolJournal.Decode(e.AsSpan(0, n)));
        // An entry written over a longer, cleared one: the old tail is ignored.
        Assert.Equal(c.Bytes, PoolJournal.Decode(e.Concat(new byte[3000]).ToArray())!.Value.Bytes);
        for (int i = 0; i < e.Length; i++)
        {
            byte[] bad = (byte[])e.Clone();
            bad[i] ^= 0x01;
            Assert.Null(PoolJournal.Decode(bad));
        }
    }

    /// <summary>The three changes a pool makes: a value rewritten in place, a record appended, a
    /// record deleted (the last one moved into its place, the file shortened). Each as (old file, new file, change).</summary>
    public static TheoryData<string> Changes => new() { "update", "append", "delete" };

    static (byte[] New, PoolChange Change) Make(string kind)
    {
        switch (kind)
        {
            case "update":
            {
                // "b"'s value field spans the 4096-byte page boundary: a kill between pages tears it.
                byte[] field = new byte[2048];
                Encoding.UTF8.GetBytes(new string('é', 900)).CopyTo(field, 0);
                byte[] n = (byte[])Old.Clone();
                field.CopyTo(n, R + 512);
                return (n, new PoolChange(R + 512, Old.Length, Old.Length, field));
            }
            case "append":
            {
                byte[] rec = PoolFileTests.Record("d", new string('ü', 1000));
                return (Old.Concat(rec).ToArray(), new PoolChange(Old.Length, Old.Length, Old.Length + R, rec));
            }
            default:
            {
                // "a" deleted: "c" moves into its slot, then the file loses its last record.
                byte[] last = Old[(2 * R)..];
                byte[] n = last.Concat(Old[R..(2 * R)]).ToArray();
                return (n, new PoolChange(0, Old.Length, 2 * R, last));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void KilledAtAnyPointOfTheChangeTheNextLockerFinishesIt(string kind)
    {
        (byte[] expected, PoolChange c) = Make(kind);
        byte[] entry = PoolJournal.Encode(c);
        // Every prefix of the pool write (step 97 plus the page boundary neighbourhood), and the truncate.
        var cuts = Enumerable.Range(0, c.Bytes.Length / 97 + 1).Select(i => i * 97)
                             .Concat(Enumerable.Range(4090, 12).Select(b => b - (int)c.Offset))
                             .Append(c.Bytes.Length)
                             .Where(k => k >= 0 && k <= c.Bytes.Length).Distinct()
                             .Select(k => (k, Truncated: false)).Append((c.Bytes.Length, Truncated: true)).ToList();
        foreach ((int k, bool truncated) in cuts)
        {
            using var t = new TempPools();
            Directory.CreateDirectory(t.Paths.PoolDirectory);
            byte[] file = (byte[])Old.Clone();
            if (c.Offset + k > file.Length) Array.Resize(ref file, (int)c.Offset + k);
            c.Bytes.AsSpan(0, k).CopyTo(file.AsSpan((int)c.Offset));
            if (truncated) Array.Resize(ref file, (int)c.NewSize);   // killed after the truncate, before the clear
            File.WriteAllBytes(t.PoolPath(1), file);
            File.WriteAllBytes(JournalPath(t, 1), entry);

            Assert.Equal(HvStatus.S_OK, t.Status(Msg.Get(1, "b")));
            Assert.Equal(expected, File.ReadAllBytes(t.PoolPath(1)));
            Assert.False(Pending(t));
            Assert.Single(t.Log.Lines, l => l.Level == LogLevel.Warning && l.Message.Contains("finished a change to", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(Changes))]
    public void KilledWhileWritingTheJournalThePoolIsUntouchedAndTheEntryDiscarded(string kind)
    {
        (_, PoolChange c) = Make(kind);
        byte[] entry = PoolJournal.Encode(c);
        foreach (int k in new[] { 4, 20, PoolJournal.HeaderSize, PoolJournal.HeaderSize + 1, entry.Length / 2, entry.Length - 1 })
        {
            using var t = new TempPools();
            Directory.CreateDirectory(t.Paths.PoolDirectory);
            File.WriteAllBytes(t.PoolPath(1), Old);
            File.WriteAllBytes(JournalPath(t, 1), entry[..k]);
            Assert.Equal(HvStatus.S_OK, t.Status(Msg.Get(1, "c")));
            Assert.Equal(Old, File.ReadAllBytes(t.PoolPath(1)));
            Assert.False(Pending(t));
            Assert.Single(t.Log.Lines, l => l.Message.Contains("discarded the incomplete entry", StringComparison.Ordinal));
        }
    }

    [Fact]
    public void AnEntryOlderThanAnotherProgramsChangeIsDiscardedNotApplied()
    {
        (_, PoolChange c) = Make("update");
        using var t = new TempPools();
        Directory.CreateDirectory(t.Paths.PoolDirectory);
        byte[] grown = Old.Concat(PoolFileTests.Record("cloud", "1")).ToArray();   // appended after the crash
        File.WriteAllBytes(t.PoolPath(1), grown);
        File.WriteAllBytes(JournalPath(t, 1), PoolJournal.Encode(c));
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Get(1, "cloud")));
        Assert.Equal(grown, File.ReadAllBytes(t.PoolPath(1)));
        Assert.Single(t.Log.Lines, l => l.Message.Contains("changed by another program since", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void NormalWritesLeaveTheJournalEmpty(bool sync)
    {
        using var t = new TempPools();
        if (sync) t.Write("etc/hyperv/kvp.conf", "sync-pool-writes = yes\n");
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "k", "v")));
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "k", "w")));
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "x", "y")));
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Delete(1, "k")));
        Assert.Equal(PoolFileTests.Record("x", "y"), File.ReadAllBytes(t.PoolPath(1)));
        Assert.False(Pending(t));
        Assert.Equal(sync, t.Service.PoolFor(1).SyncWrites);
        Assert.DoesNotContain(t.Log.Lines, l => l.Level <= LogLevel.Warning);
    }
}
