using HvDaemons.Vss;
using Xunit;

namespace HvDaemons.Tests.Vss;

public class MountTableTests
{
    [Theory]
    [InlineData("/dev/vda1 / ext4 rw,relatime 0 0", "/dev/vda1", "/", "ext4", "rw,relatime")]
    [InlineData("proc /proc proc rw,nosuid,nodev,noexec,relatime 0 0", "proc", "/proc", "proc", "rw,nosuid,nodev,noexec,relatime")]
    [InlineData(@"/dev/sdb1 /mnt/my\040disk xfs rw 0 0", "/dev/sdb1", "/mnt/my disk", "xfs", "rw")]
    [InlineData(@"/dev/sdb1 /mnt/tab\011and\012nl ext4 rw 0 0", "/dev/sdb1", "/mnt/tab\tand\nnl", "ext4", "rw")]
    [InlineData(@"/dev/sdb1 /mnt/back\134slash ext4 rw 0 0", "/dev/sdb1", @"/mnt/back\slash", "ext4", "rw")]
    [InlineData(@"//srv/share\040x /mnt/cifs cifs rw,vers=3.0 0 0", "//srv/share x", "/mnt/cifs", "cifs", "rw,vers=3.0")]
    [InlineData("/dev/sdc /data btrfs rw", "/dev/sdc", "/data", "btrfs", "rw")]            // no freq/passno
    [InlineData("  /dev/sdc\t/data  btrfs   rw  0 0  ", "/dev/sdc", "/data", "btrfs", "rw")]  // blanks and tabs
    [InlineData(@"/dev/sdd /odd\04x ext4 rw 0 0", "/dev/sdd", @"/odd\04x", "ext4", "rw")]     // not three digits: literal
    [InlineData(@"/dev/sdd /odd\400 ext4 rw 0 0", "/dev/sdd", @"/odd\400", "ext4", "rw")]     // not ASCII: literal
    [InlineData(@"/dev/sdd /end\ ext4 rw 0 0", "/dev/sdd", @"/end\", "ext4", "rw")]           // trailing backslash
    public void ParsesFields(string line, string source, string mountPoint, string type, string options)
    {
        Assert.True(MountTable.TryParseLine(line, out MountEntry e));
        Assert.Equal(source, e.Source);
        Assert.Equal(mountPoint, e.MountPoint);
        Assert.Equal(type, e.FsType);
        Assert.Equal(options, e.Options);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("/dev/sda1 / ext4")]        // no options field
    [InlineData("# comment line")]
    public void RejectsShortOrBlankLines(string line)
        => Assert.False(MountTable.TryParseLine(line, out _));

    [Theory]
    [InlineData("ro,relatime", true)]
    [InlineData("rw,relatime", false)]
    [InlineData("relatime,ro", true)]
    [InlineData("rw,errors=remount-ro", false)]   // "ro" must be a whole option
    [InlineData("rootcontext=x", false)]
    public void ReadOnlyIsAWholeOption(string options, bool readOnly)
        => Assert.Equal(readOnly, new MountEntry("/dev/x", "/x", "ext4", options).IsReadOnly);

    [Fact]
    public void ReadKeepsKernelOrderAndSkipsJunk()
    {
        string file = System.IO.Path.GetTempFileName();
        try
        {
            System.IO.File.WriteAllText(file, "/dev/a /a ext4 rw 0 0\n\nbroken\n/dev/b /b xfs rw 0 0\n");
            Assert.True(MountTable.TryRead(file, out var mounts, out _));
            Assert.Equal(new[] { "/a", "/b" }, mounts.ConvertAll(m => m.MountPoint));
        }
        finally { System.IO.File.Delete(file); }
    }

    [Fact]
    public void ReadReportsAMissingFile()
    {
        Assert.False(MountTable.TryRead("/nonexistent/hvd/mounts", out _, out string error));
        Assert.NotEmpty(error);
    }
}
