using System;
using System.IO;
using System.Security.Cryptography;
using HvDaemons.Fcopy;
using HvDaemons.Wire;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>A large copy as the host sends it: START, seeded random fragments, COMPLETE; then
/// the file on disk is checked against the SHA-256 of what was sent. Shared by the char-device
/// and uio black-box tests.</summary>
public static class FcopyBulkCopy
{
    public static void SendAndVerify(Func<byte[], uint> send, NameEncoding encoding, string dir, string name, long size, int seed)
    {
        var chunk = new byte[FcopyLayout.DataFragment];
        using var sha = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var rng = new Random(seed);
        Assert.Equal(HvStatus.S_OK, send(FcopyMessages.Start(dir, name, 0, encoding)));
        for (long off = 0; off < size; off += chunk.Length)
        {
            int n = (int)Math.Min(chunk.Length, size - off);
            rng.NextBytes(chunk);
            sha.AppendData(chunk, 0, n);
            Assert.Equal(HvStatus.S_OK, send(FcopyMessages.Write((ulong)off, chunk.AsSpan(0, n))));
        }
        Assert.Equal(HvStatus.S_OK, send(FcopyMessages.Complete()));
        byte[] expected = sha.GetHashAndReset();
        using var f = File.OpenRead(Path.Combine(dir, name));
        Assert.Equal(expected, SHA256.HashData(f));
    }
}
