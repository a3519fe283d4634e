using System;
using System.IO;
using System.Linq;
using System.Text;
using HvDaemons.Kvp.Pool;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Kvp;

/// <summary>
/// Which pool changes go through the journal: only those a kill could leave half-done, a
/// write across a page boundary or a write followed by a truncate (docs/kvp.md, "Durability").
/// </summary>
public class TornWriteTests
{
    const int R = 2560;

    [Theory]
    // offset, length, old size, new size, page size, can tear
    [InlineData(512, 2048, R, R, 4096, false)]             // record 0's value field: inside page 0
    [InlineData(R + 512, 2048, 2 * R, 2 * R, 4096, true)]  // record 1's value field: 3072..5119
    [InlineData(3072, 1024, 2 * R, 2 * R, 4096, false)]    // ends exactly at the boundary
    [InlineData(3072, 1025, 2 * R, 2 * R, 4096, true)]     // one byte past it
    [InlineData(4095, 1, 2 * R, 2 * R, 4096, false)]
    [InlineData(4095, 2, 2 * R, 2 * R, 4096, true)]
    [InlineData(4096, 1, 2 * R, 2 * R, 4096, false)]       // starts at the boundary
    [InlineData(0, R, 0, R, 4096, false)]                  // append the first record: size moves with the one page
    [InlineData(R, R, R, 2 * R, 4096, true)]               // append the second: 2560..5119
    [InlineData(2 * R, R, 2 * R, 3 * R, 4096, false)]      // the third: 5120..7679, inside page 1
    [InlineData(R, R, R, 2 * R, 16384, false)]             // the second on 16 kB pages (arm64)
    [InlineData(R + 512, 2048, 2 * R, 2 * R, 65536, false)]
    [InlineData(0, R, 3 * R, 2 * R, 4096, true)]           // DELETE: the last record moved, then a truncate
    [InlineData(0, R, 3 * R, 2 * R, 65536, true)]          // two calls, whatever the page size
    [InlineData(2 * R, 0, 3 * R, 2 * R, 4096, false)]      // DELETE of the last record: the truncate alone
    [InlineData(100, 0, R, R, 4096, false)]                // nothing at all
    [InlineData(R, R, 3 * R, 3 * R, 4096, true)]           // a whole record rewritten across a page
    public void OnlyAWriteAcrossAPageOrAWriteAndATruncateCanTear(long offset, int length, long oldSize, long newSize, int pageSize, bool expected)
        => Assert.Equal(expected, TornWrite.Possible(offset, length, oldSize, newSize, pageSize));

    static string JournalPath(TempPools t) => Path.Combine(t.Paths.PoolDirectory, ".kvp_journal_1");

    static long JournalLength(TempPools t) => new FileInfo(JournalPath(t)).Length;

    static bool Pending(TempPools t) => File.Exists(JournalPath(t)) && File.ReadAllBytes(JournalPath(t)).AsSpan().StartsWith("HVKJ"u8);

    [Fact]
    public void OnlyTheChangedBytesAreWrittenAndWithinAPageWithoutTheJournal()
    {
        using var t = new TempPools();
        Directory.CreateDirectory(t.Paths.PoolDirectory);
        // Record 1's value field spans 3072..5119, across the first page boundary.
        string longValue = new string('v', 1500);
        File.WriteAllBytes(t.PoolPath(1), PoolFileTests.Record("a", "1").Concat(PoolFileTests.Record("b", longValue)).ToArray());

        // Only the last character differs: one byte at 3072 + 1499, inside page 1.
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "b", longValue[..^1] + "w")));
        Assert.Equal(0, JournalLength(t));   // created by the first change, never written
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "a", "2")));   // record 0: page 0
        Assert.Equal(0, JournalLength(t));
        byte[] expected = PoolFileTests.Record("a", "2").Concat(PoolFileTests.Record("b", longValue[..^1] + "w")).ToArray();
        Assert.Equal(expected, File.ReadAllBytes(t.PoolPath(1)));

        // A shorter value: the bytes up to the old end become zeros, 3072..4571, across the
        // boundary of 4 kB pages (inside one larger page).
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "b", "x")));
        Assert.Equal(HvDaemons.Os.Posix.PageSize <= 4096, JournalLength(t) > PoolJournal.HeaderSize);
        Assert.False(Pending(t));
        Assert.Equal(PoolFileTests.Record("a", "2").Concat(PoolFileTests.Record("b", "x")).ToArray(), File.ReadAllBytes(t.PoolPath(1)));
        Assert.Equal("x", Msg.EnumValue(t.Send(Msg.Get(1, "b"))));
    }

    [Fact]
    public void ThePageSizeIsThePagesOfThisSystem()
        => Assert.Equal(System.Environment.SystemPageSize, HvDaemons.Os.Posix.PageSize);

    [Fact]
    public void AnEntryLeftByAWriterKilledBeforeTouchingThePoolIsOverwrittenByAChangeThatNeedsNoJournal()
    {
        using var t = new TempPools();
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "a", "mine")));
        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "b", "x")));   // journalled: the journal exists
        Assert.False(Pending(t));
        // Another writer journals a change of "a" and is killed before the pool write: the
        // pool's stamp is unchanged, so our cache still trusts it.
        byte[] field = new byte[2048];
        Encoding.UTF8.GetBytes("stale").CopyTo(field, 0);
        File.WriteAllBytes(JournalPath(t), PoolJournal.Encode(new PoolChange(512, 2 * R, 2 * R, field)));

        Assert.Equal(HvStatus.S_OK, t.Status(Msg.Set(1, "a", "newer")));   // 5 bytes in page 0
        Assert.False(Pending(t), "the stale entry survived: a later recovery would replay it over this SET");
        using var restarted = new TempPools(_ => t.Paths);
        Assert.Equal("newer", Msg.EnumValue(restarted.Send(Msg.Get(1, "a"))));
    }
}
