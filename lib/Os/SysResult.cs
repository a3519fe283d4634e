namespace HvDaemons.Os;

/// <summary>
/// The typed result of one system call: a non-negative value, or the errno captured once
/// right after the call. Callers decide what is fatal; nothing here throws.
/// </summary>
public readonly record struct SysResult(long Value, Errno Error)
{
    public bool Ok => Error == Errno.None;
    public static SysResult Success(long value = 0) => new(value, Errno.None);
    public static SysResult Fail(Errno errno) => new(-1, errno);
    public override string ToString() => Ok ? Value.ToString() : "error " + Errno.DescribeNamed(Error);
}
