namespace HvDaemons.Os;

/// <summary>
/// What identifies one version of a file's content without reading it: which inode, how long,
/// and when its data and inode last changed (nanoseconds). Two equal stamps mean "unchanged"
/// unless two writes fell in one timestamp tick; callers that cache guard that case themselves.
/// </summary>
public readonly record struct FileStamp(ulong Device, ulong Inode, long Size,
                                        long MtimeSec, long MtimeNsec, long CtimeSec, long CtimeNsec)
{
    public bool SameFile(in FileStamp other) => Device == other.Device && Inode == other.Inode;

    /// <summary>The filesystem's device number, as /proc/locks prints it.</summary>
    public uint DeviceMajor => (uint)(Device >> 32);
    public uint DeviceMinor => (uint)Device;

    internal static FileStamp From(in StatxFields f) => new(
        (ulong)f.DevMajor << 32 | f.DevMinor, f.Inode, f.Size,
        f.MtimeSec, f.MtimeNsec, f.CtimeSec, f.CtimeNsec);
}
