namespace HvDaemons.Os;

/// <summary>
/// The typed result of one system call: a non-negative value, or the errno captured once
/// right after the call. Callers decide what is fatal; nothing here throws.
/// </summary>
public readonly record struct SysResult(long Value, int Error)
{
    public bool Ok => Error == 0;
    public static SysResult Success(long value = 0) => new(value, 0);
    public static SysResult Fail(int errno) => new(-1, errno);
    public override string ToString() => Ok ? Value.ToString() : "error " + Errno.Describe(Error);
}
