namespace HvDaemons.Kvp.Client;

/// <summary>One record of a pool file: its pool, and key and value as stored (bytes up to the NUL).</summary>
public readonly record struct PoolEntry(int Pool, byte[] Key, byte[] Value);
