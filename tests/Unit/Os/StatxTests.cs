using System.Diagnostics;
using System.IO;
using HvDaemons.Os;
using Xunit;

namespace HvDaemons.Tests;

/// <summary>lib's one stat path (statx): offsets checked by the uapi header, values by stat(1).</summary>
public class StatxTests
{
    [Fact]
    public void OffsetsMatchTheHeader()
    {
        string src = "#include <stddef.h>\n#include <linux/stat.h>\n#include <linux/fcntl.h>\n" + string.Join("\n",
            Check("sizeof(struct statx)", Interop.StatxSize),
            Check("offsetof(struct statx, stx_uid)", Interop.StatxUid),
            Check("offsetof(struct statx, stx_mode)", Interop.StatxMode),
            Check("offsetof(struct statx, stx_gid)", Interop.StatxGid),
            Check("offsetof(struct statx, stx_ino)", Interop.StatxIno),
            Check("offsetof(struct statx, stx_size)", Interop.StatxFileSize),
            Check("offsetof(struct statx, stx_ctime)", Interop.StatxCtime),
            Check("offsetof(struct statx, stx_mtime)", Interop.StatxMtime),
            Check("offsetof(struct statx, stx_rdev_major)", Interop.StatxRdevMajor),
            Check("offsetof(struct statx, stx_rdev_minor)", Interop.StatxRdevMajor + 4),
            Check("offsetof(struct statx, stx_dev_major)", Interop.StatxDevMajor),
            Check("offsetof(struct statx, stx_dev_minor)", Interop.StatxDevMajor + 4),
            Check("offsetof(struct statx_timestamp, tv_nsec)", 8),
            Check("STATX_BASIC_STATS", Interop.STATX_BASIC_STATS),
            Check("AT_SYMLINK_NOFOLLOW", Interop.AT_SYMLINK_NOFOLLOW),
            Check("AT_EMPTY_PATH", Interop.AT_EMPTY_PATH)) + "\n";
        var (code, output) = CProgram.Compile(src);
        Assert.True(code == 0, "linux/stat.h disagrees with lib:\n" + output);
    }

    static string Check(string expr, long ours) =>
        $"_Static_assert((long long)({expr}) == {ours}LL, \"{expr} != {ours}\");";

    [Fact]
    public void FieldsAgreeWithStatCommand()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllBytes(path, new byte[12345]);
            Assert.True(FileStat.Fields(path, followSymlinks: true, out StatxFields f).Ok);
            // %s size, %i inode, %Y mtime seconds, %f raw mode (hex), %D device number (hex).
            string[] want = Run("stat", "-c", "%s %i %Y %f", path).Split(' ');
            Assert.Equal(long.Parse(want[0]), f.Size);
            Assert.Equal(ulong.Parse(want[1]), f.Inode);
            Assert.Equal(long.Parse(want[2]), f.MtimeSec);
            Assert.Equal(System.Convert.ToUInt32(want[3], 16), f.Mode);
            Assert.Equal(FileKind.Regular, f.Kind);

            Assert.True(FileStat.Fields("/dev/null", followSymlinks: true, out StatxFields n).Ok);
            Assert.Equal((1u, 3u), (n.RdevMajor, n.RdevMinor));
            Assert.False(n.IsBlockDevice);
            Assert.Equal(Errno.ENOENT, FileStat.Fields(path + ".missing", true, out _).Error);
        }
        finally
        {
            File.Delete(path);
        }
    }

    static string Run(string file, params string[] args)
    {
        var psi = new ProcessStartInfo(file) { RedirectStandardOutput = true };
        foreach (string a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        string text = p.StandardOutput.ReadToEnd().Trim();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return text;
    }
}
