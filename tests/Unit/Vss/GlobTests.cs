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

    [Fact]
    public void AnyPatternEitherParsesOrIsRefusedAndMatchingNeverThrows()
    {
        // vss.conf is the administrator's, but a typo must cost one log line, not the daemon.
        const string alphabet = "ab/*?[]!^-\\";
        var random = new System.Random(13);
        int parsed = 0;
        for (int i = 0; i < 20_000; i++)
        {
            string pattern = Word(random, alphabet, 8);
            Glob? glob = Glob.TryParse(pattern, out string error);
            Assert.True(glob is null != (error == ""), pattern);
            if (glob is null) continue;
            parsed++;
            for (int j = 0; j < 5; j++) glob.Matches(Word(random, "ab/*?[]", 10));
        }
        Assert.True(parsed > 1000, parsed + " patterns parsed");
    }

    [Theory]
    [InlineData("/mnt/a*b?[c]")]
    [InlineData("\\weird[name]")]
    public void AnEscapedNameMatchesItselfOnly(string name)
    {
        string escaped = string.Concat(System.Linq.Enumerable.Select(name, c => "\\" + c));
        Glob glob = Glob.TryParse(escaped, out _)!;
        Assert.True(glob.Matches(name));
        Assert.False(glob.Matches(name + "x"));
        Assert.False(glob.Matches(name[..^1]));
    }

    static string Word(System.Random random, string alphabet, int maxLength)
    {
        var chars = new char[random.Next(maxLength + 1)];
        for (int i = 0; i < chars.Length; i++) chars[i] = alphabet[random.Next(alphabet.Length)];
        return new string(chars);
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
