using System;
using System.Collections.Generic;
using System.Linq;
using System.Security.Cryptography;

namespace HvDaemons.Bench;

/// <summary>
/// The bytes of a copied file without holding a GiB: byte at offset o is pool[o mod P], with a
/// random pool whose length P is no multiple of the 6144-byte fragment, so every fragment of the
/// file differs from its neighbours and a fragment written at the wrong offset changes the hash.
/// The pool is stored twice in a row so any fragment is one contiguous slice.
/// </summary>
sealed class BenchContent
{
    const int PoolLength = (16 << 20) + 4099;
    readonly byte[] _doubled = new byte[2 * PoolLength];

    public BenchContent(int seed)
    {
        new Random(seed).NextBytes(_doubled.AsSpan(0, PoolLength));
        _doubled.AsSpan(0, PoolLength).CopyTo(_doubled.AsSpan(PoolLength));
    }

    /// <summary>The <paramref name="length"/> bytes at <paramref name="offset"/> (length at most the pool's).</summary>
    public ReadOnlySpan<byte> At(long offset, int length) => _doubled.AsSpan((int)(offset % PoolLength), length);

    /// <summary>SHA-256 of the first <paramref name="sizes"/> bytes each, in one pass over the longest.</summary>
    public Dictionary<long, byte[]> Sha256OfPrefixes(IReadOnlyCollection<long> sizes)
    {
        var hashes = new Dictionary<long, byte[]>();
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        long off = 0;
        foreach (long size in sizes.Order().Distinct())
        {
            while (off < size)
            {
                int n = (int)Math.Min(1 << 20, size - off);
                sha.AppendData(At(off, n));
                off += n;
            }
            hashes[size] = sha.GetCurrentHash();
        }
        return hashes;
    }
}
