namespace HvDaemons.Kvp.Pool;

/// <summary>
/// Whether a change to a pool file can be left half-done by a writer killed in the middle of
/// it, and so must go through the journal first (docs/kvp.md, "Durability").
/// The page cache copies a write(2) one page-cache folio at a time and looks for a fatal
/// signal (SIGKILL, the OOM killer) only before each folio; folios are whole pages aligned to
/// their size. So one pwrite whose bytes lie within one page is copied in one step: a kill
/// lands before it (nothing written) or after it (all written), and the file size it sets
/// moves in that same step. It cannot tear. A write across a page boundary can stop at the
/// boundary, and a write plus a truncate is two calls with a moment between them.
/// </summary>
internal static class TornWrite
{
    /// <summary>True when writing <paramref name="length"/> bytes at <paramref name="offset"/>
    /// to a file of <paramref name="oldSize"/> bytes, then making it <paramref name="newSize"/>
    /// long, could be seen half-done after a kill.</summary>
    public static bool Possible(long offset, int length, long oldSize, long newSize, int pageSize)
    {
        bool truncates = System.Math.Max(oldSize, offset + length) != newSize;
        if (length == 0) return false;            // at most the truncate: one call
        if (truncates) return true;               // a write, then a truncate
        return offset / pageSize != (offset + length - 1) / pageSize;
    }
}
