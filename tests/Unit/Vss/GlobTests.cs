using HvDaemons.Vss.Config;
using Xunit;

namespace HvDaemons.Tests.Vss;

public class GlobTests
{
    [Theory]
    [InlineData("/data", "/data", true)]
    [InlineData("/data", "/data2", false)]
    [InlineData("/mnt/*", "/mnt/a", true)]
    [InlineData("/mnt/*", "/mnt/a/b", true)]        // '*' crosses '/', as in a case pattern
    [InlineData("/mnt/*", "/mnt", false)]
    [InlineData("*", "", true)]
    [InlineData("nfs*", "nfs4", true)]
    [InlineData("nfs*", "xnfs", false)]
    [InlineData("fuse.*", "fuse.sshfs", true)]
    [InlineData("fuse.*", "fuse", false)]
    [InlineData("ext?", "ext4", true)]
    [InlineData("ext?", "ext", false)]
    [InlineData("ext[34]", "ext3", true)]
    [InlineData("ext[34]", "ext2", false)]
    [InlineData("ext[2-4]", "ext2", true)]
    [InlineData("ext[!4]", "ext4", false)]
    [InlineData("ext[!4]", "ext3", true)]
    [InlineData("ext[^4]", "ext3", true)]
    [InlineData("[]]x", "]x", true)]
    [InlineData("a\\*", "a*", true)]
    [InlineData("a\\*", "ab", false)]
    [InlineData("*a*b*", "xxaxxbxx", true)]
    [InlineData("*a*b*", "xxbxxaxx", false)]
    [InlineData("/srv/*/data", "/srv/db/data", true)]
    [InlineData("/srv/*/data", "/srv/db/data/x", false)]
    public void MatchesLikeAShellCasePattern(string pattern, string text, bool expected)
    {
        Glob glob = Glob.TryParse(pattern, out string error)!;
        Assert.Equal("", error);
        Assert.Equal(expected, glob.Matches(text));
    }

    [Theory]
    [InlineData("ext[34", "unclosed '[' in pattern")]
    [InlineData("/mnt/\\", "pattern ends in '\\'")]
    public void RejectsAPatternItCannotMatch(string pattern, string expected)
    {
        Assert.Null(Glob.TryParse(pattern, out string error));
        Assert.Equal(expected, error);
    }
}
