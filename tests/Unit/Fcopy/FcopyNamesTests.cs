using System;
using System.Text;
using HvDaemons.Fcopy;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>Name-field decoding tables: the exact string, or the exact reason it is refused.</summary>
public class FcopyNamesTests
{
    static byte[] Units(int fieldBytes, params ushort[] units)
    {
        var f = new byte[fieldBytes];
        for (int i = 0; i < units.Length; i++) { f[2 * i] = (byte)units[i]; f[2 * i + 1] = (byte)(units[i] >> 8); }
        return f;
    }

    [Theory]
    [InlineData(new ushort[] { 0x61, 0x62 }, "ab")]
    [InlineData(new ushort[] { }, "")]
    [InlineData(new ushort[] { 0xE9 }, "é")]
    [InlineData(new ushort[] { 0x65E5, 0x672C }, "日本")]
    [InlineData(new ushort[] { 0xD83D, 0xDE00 }, "😀")]                  // U+1F600
    [InlineData(new ushort[] { 0xD800, 0xDC00 }, "\U00010000")]         // lowest supplementary
    [InlineData(new ushort[] { 0xDBFF, 0xDFFF }, "\U0010FFFF")]         // highest code point
    [InlineData(new ushort[] { 0x61, 0xD834, 0xDD1E, 0x62 }, "a𝄞b")]
    [InlineData(new ushort[] { 0xFFFF, 0xFFFE }, "\uFFFF\uFFFE")]       // noncharacters are well-formed
    [InlineData(new ushort[] { 0x61, 0x0, 0xD800 }, "a")]               // stops at NUL; garbage after is ignored
    public void Utf16Valid(ushort[] units, string expected)
    {
        Assert.Equal(NameError.None, FcopyNames.DecodeUtf16Le(Units(520, units), out string name));
        Assert.Equal(expected, name);
        // The UTF-8 the kernel would have produced decodes to the same name.
        byte[] utf8 = new byte[520];
        Encoding.UTF8.GetBytes(expected, utf8);
        Assert.Equal(NameError.None, FcopyNames.DecodeUtf8(utf8, out string viaUtf8));
        Assert.Equal(expected, viaUtf8);
    }

    [Theory]
    [InlineData(new ushort[] { 0xD800 })]                 // lone high at the end
    [InlineData(new ushort[] { 0xD800, 0x61 })]           // high followed by a non-surrogate
    [InlineData(new ushort[] { 0xDC00 })]                 // lone low
    [InlineData(new ushort[] { 0xDC00, 0xD800 })]         // reversed pair
    [InlineData(new ushort[] { 0xD800, 0xD800, 0xDC00 })] // high, high, low
    [InlineData(new ushort[] { 0x61, 0xDFFF, 0x62 })]
    public void Utf16LoneSurrogatesAreRefused(ushort[] units)
        => Assert.Equal(NameError.InvalidUtf16, FcopyNames.DecodeUtf16Le(Units(520, units), out _));

    [Fact]
    public void Utf16WithoutNulIsRefused()
    {
        var units = new ushort[260];
        Array.Fill(units, (ushort)'x');
        Assert.Equal(NameError.NotTerminated, FcopyNames.DecodeUtf16Le(Units(520, units), out _));
        // 259 units plus the NUL is the longest name that fits.
        Assert.Equal(NameError.None, FcopyNames.DecodeUtf16Le(Units(520, units[..259]), out string longest));
        Assert.Equal(259, longest.Length);
    }

    [Fact]
    public void Utf16PairSplitByTheFieldEndIsNotTerminated()
    {
        var units = new ushort[260];
        Array.Fill(units, (ushort)'x');
        units[259] = 0xD83D;
        Assert.Equal(NameError.NotTerminated, FcopyNames.DecodeUtf16Le(Units(520, units), out _));
    }

    [Theory]
    [InlineData(new byte[] { 0x80 })]                   // lone continuation
    [InlineData(new byte[] { 0xC3 })]                   // truncated 2-byte sequence
    [InlineData(new byte[] { 0xC0, 0xAF })]             // overlong '/'
    [InlineData(new byte[] { 0xE0, 0x80, 0xAF })]       // overlong '/', 3 bytes
    [InlineData(new byte[] { 0xED, 0xA0, 0x80 })]       // UTF-8-encoded surrogate (CESU)
    [InlineData(new byte[] { 0xF4, 0x90, 0x80, 0x80 })] // beyond U+10FFFF
    [InlineData(new byte[] { 0xFF })]
    [InlineData(new byte[] { 0x61, 0xF0, 0x9F, 0x98 })] // truncated 4-byte sequence
    public void Utf8InvalidIsRefused(byte[] bytes)
    {
        var field = new byte[520];
        bytes.CopyTo(field, 0);
        Assert.Equal(NameError.InvalidUtf8, FcopyNames.DecodeUtf8(field, out string name));
        Assert.Equal("", name);
    }

    [Fact]
    public void Utf8WithoutNulIsRefused()
    {
        var field = new byte[520];
        Array.Fill(field, (byte)'y');
        Assert.Equal(NameError.NotTerminated, FcopyNames.DecodeUtf8(field, out _));
    }

    [Theory]
    [InlineData("a", true)]
    [InlineData("a b.txt", true)]
    [InlineData("...", true)]
    [InlineData("..a", true)]
    [InlineData("", false)]
    [InlineData(".", false)]
    [InlineData("..", false)]
    [InlineData("a/b", false)]
    [InlineData("/", false)]
    [InlineData("../x", false)]
    public void FileNameMustBeOneComponent(string name, bool ok)
        => Assert.Equal(ok, FileReceiver.IsSingleComponent(name));
}
