using Tmds.Linux;

namespace HvDaemons.Os;

/// <summary>
/// What identifies one version of a file's content without reading it: which inode, how long,
/// and when its data and inode last changed (nanoseconds). Two equal stamps mean "unchanged"
/// unless two writes fell in one timestamp tick; callers that cache guard that case themselves.
/// <see cref="Links"/> is the inode's name count: 0 once the file was removed or renamed over.
/// </summary>
public readonly record struct FileStamp(ulong Device, ulong Inode, long Size,
                                        long MtimeSec, long MtimeNsec, long CtimeSec, long CtimeNsec, ulong Links = 1)
{
    public bool SameFile(in FileStamp other) => Device == other.Device && Inode == other.Inode;

    internal static unsafe FileStamp From(in stat st) => new(
        st.st_dev, st.st_ino, st.st_size,
        st.st_mtim.tv_sec, st.st_mtim.tv_nsec, st.st_ctim.tv_sec, st.st_ctim.tv_nsec, st.st_nlink);
}
