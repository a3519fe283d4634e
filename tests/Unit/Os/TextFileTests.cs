using System.IO;
using HvDaemons.Os;
using Xunit;

namespace HvDaemons.Tests;

public class TextFileTests
{
    [Fact]
    public void AByteOrderMarkIsNotHonoured()
    {
        string path = Path.GetTempFileName();
        try
        {
            // A UTF-16LE BOM: ReadAllText would decode "na" as UTF-16 and return one odd character.
            File.WriteAllBytes(path, [0xFF, 0xFE, (byte)'n', (byte)'a']);
            Assert.True(TextFile.TryRead(path, out string text, out string error));
            Assert.Equal("", error);
            Assert.Equal("\uFFFD\uFFFDna", text);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void AMissingFileIsAReasonOrEmpty()
    {
        Assert.False(TextFile.TryRead("/nonexistent/hvd/x", out string text, out string error));
        Assert.Equal("", text);
        Assert.Contains("/nonexistent/hvd/x", error);
        Assert.Equal("", TextFile.ReadOrEmpty("/nonexistent/hvd/x"));
    }
}
