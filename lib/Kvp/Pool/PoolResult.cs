namespace HvDaemons.Kvp.Pool;

/// <summary>Outcome of one pool operation; the service maps it to a host status.</summary>
internal enum PoolResult
{
    Ok,
    /// <summary>No such key, or an enumeration index past the end.</summary>
    NotFound,
    /// <summary>The file could not be opened, locked, read or written; already logged.</summary>
    Failed,
    /// <summary>Another program kept the lock past the deadline, or the daemon is stopping;
    /// already logged. The host gets HV_E_FAIL: a defined failure, not its own timeout.</summary>
    Busy,
}
