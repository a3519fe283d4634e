namespace HvDaemons.Os;

/// <summary>Who owns a file and its permission bits: what decides whether root may trust it.</summary>
public readonly record struct FileOwner(FileKind Kind, uint Uid, int Permissions)
{
    const int GroupOrWorldWritable = 0x12;   // 020 | 002
    const int OwnerExecute = 0x40;           // 0100

    public bool WritableByOthers => (Permissions & GroupOrWorldWritable) != 0;

    public bool ExecutableByOwner => (Permissions & OwnerExecute) != 0;
}

/// <summary>Owner and mode through lib's one stat path (<see cref="FileStat"/>).</summary>
public static class FileOwnership
{
    /// <summary>Owner and mode of <paramref name="path"/>, symlinks followed.
    /// ENOENT/ENOTDIR become <see cref="FileKind.Missing"/> with success.</summary>
    public static SysResult Of(string path, out FileOwner owner)
    {
        SysResult r = FileStat.Fields(path, followSymlinks: true, out StatxFields f);
        if (r.Ok)
        {
            owner = new FileOwner(f.Kind, f.Uid, (int)(f.Mode & 0xFFF));
            return r;
        }
        owner = new FileOwner(FileKind.Missing, 0, 0);
        return r.Error is Errno.ENOENT or Errno.ENOTDIR ? SysResult.Success() : r;
    }
}
