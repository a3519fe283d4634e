using System.IO;
using System.Linq;
using HvDaemons.Logging;
using HvDaemons.Vss;
using HvDaemons.Vss.Config;
using Xunit;

namespace HvDaemons.Tests.Vss;

public class VssConfigTests
{
    readonly RecordingLogger _log = new();

    static MountEntry Mount(string mountPoint, string fsType) => new("/dev/x", mountPoint, fsType, "rw");

    [Fact]
    public void AMissingFileIsTheDefaultsSilently()
    {
        VssConfig c = VssConfigReader.Load("/nonexistent/hvd/vss.conf", _log);
        Assert.Equal(("/etc/hyperv/fsfreeze-hook.d", 30_000, false), (c.HookDirectory, c.HookTimeoutMs, c.Strict));
        Assert.Empty(c.Include);
        Assert.Empty(c.Exclude);
        Assert.Equal("/nonexistent/hvd/vss.conf", c.Source);
        Assert.True(c.Selects(Mount("/", "ext4")));
        Assert.Empty(_log.Lines);
    }

    [Fact]
    public void ReadsEveryKey()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, "# comment\n\n  exclude-mount = /scratch*  \ninclude-fstype=ext4\ninclude-fstype = xfs\n"
                                    + "exclude-fstype = btrfs\ninclude-mount = /srv/*\nhook-dir = /opt/hooks\nhook-timeout = 5\nstrict = yes\n");
            VssConfig c = VssConfigReader.Load(path, _log);
            Assert.Empty(_log.Lines);
            Assert.Equal(new[] { "FsType ext4", "FsType xfs", "MountPoint /srv/*" }, c.Include.Select(r => r.Field + " " + r.Pattern));
            Assert.Equal(new[] { "MountPoint /scratch*", "FsType btrfs" }, c.Exclude.Select(r => r.Field + " " + r.Pattern));
            Assert.Equal(("/opt/hooks", 5000, true), (c.HookDirectory, c.HookTimeoutMs, c.Strict));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void EachBadLineIsLoggedWithFileAndLineAndIgnored()
    {
        VssConfig c = VssConfigReader.Parse("/etc/hyperv/vss.conf",
            "strict = maybe\nhook-timeout = 0\nhook-timeout = 301\nhook-timeout = 2s\nhook-dir = relative\n"
            + "colour = blue\njust words\nexclude-mount =\nexclude-mount = /mnt/[ab\nexclude-mount = /ok\n", _log);
        Assert.Equal(new[]
        {
            "/etc/hyperv/vss.conf:1: strict must be yes or no; line ignored",
            "/etc/hyperv/vss.conf:2: hook-timeout must be whole seconds in 1..300; line ignored",
            "/etc/hyperv/vss.conf:3: hook-timeout must be whole seconds in 1..300; line ignored",
            "/etc/hyperv/vss.conf:4: hook-timeout must be whole seconds in 1..300; line ignored",
            "/etc/hyperv/vss.conf:5: hook-dir must be an absolute path; line ignored",
            "/etc/hyperv/vss.conf:6: unknown key \"colour\"; line ignored",
            "/etc/hyperv/vss.conf:7: expected \"key = value\"; line ignored",
            "/etc/hyperv/vss.conf:8: no value for exclude-mount; line ignored",
            "/etc/hyperv/vss.conf:9: unclosed '[' in pattern; line ignored",
        }, _log.Messages);
        Assert.All(_log.Lines, l => Assert.Equal(LogLevel.Err, l.Level));
        // The good line still counts; the defaults stay for the rest.
        Assert.Equal("/ok", Assert.Single(c.Exclude).Pattern.ToString());
        Assert.Equal(("/etc/hyperv/fsfreeze-hook.d", 30_000, false), (c.HookDirectory, c.HookTimeoutMs, c.Strict));
    }

    [Fact]
    public void AnUnreadableFileIsOneErrorAndTheDefaults()
    {
        string dir = Directory.CreateTempSubdirectory("hvd-vssconf-").FullName;
        try
        {
            VssConfig c = VssConfigReader.Load(dir, _log);   // a directory cannot be read as a file
            Assert.StartsWith("VSS: cannot read " + dir + ": ", Assert.Single(_log.Messages));
            Assert.EndsWith("; using the defaults", _log.Messages.Single());
            Assert.False(c.Strict);
        }
        finally
        {
            Directory.Delete(dir);
        }
    }

    [Theory]
    [InlineData("", "/", "ext4", true)]
    [InlineData("exclude-mount = /data\n", "/data", "xfs", false)]
    [InlineData("exclude-mount = /data\n", "/", "ext4", true)]
    [InlineData("exclude-fstype = xfs\n", "/data", "xfs", false)]
    [InlineData("include-mount = /\n", "/data", "xfs", false)]
    [InlineData("include-mount = /\n", "/", "ext4", true)]
    [InlineData("include-fstype = ext*\ninclude-mount = /data\n", "/data", "xfs", true)]   // any include rule
    [InlineData("include-fstype = ext*\n", "/data", "xfs", false)]
    [InlineData("include-mount = /data\nexclude-fstype = xfs\n", "/data", "xfs", false)]   // exclude wins
    public void SelectsByMountPointAndType(string text, string mountPoint, string fsType, bool expected)
    {
        VssConfig c = VssConfigReader.Parse("vss.conf", text, _log);
        Assert.Equal(expected, c.Selects(Mount(mountPoint, fsType)));
        Assert.Empty(_log.Lines);
    }
}
