using System;
using System.Linq;
using HvDaemons.Fcopy;
using Xunit;

namespace HvDaemons.Tests.Fcopy;

/// <summary>FcopyNames.Encode (the simulated host's side) at the field's exact capacity, and
/// Decode's result on refusal.</summary>
public class FcopyNamesEncodeTests
{
    [Theory]
    [InlineData(NameEncoding.Utf16Le, FcopyNames.FieldLength / 2 - 1, true)]   // 259 units + NUL fill 520 bytes
    [InlineData(NameEncoding.Utf16Le, FcopyNames.FieldLength / 2, false)]
    [InlineData(NameEncoding.Utf8, FcopyNames.FieldLength - 1, true)]          // 519 bytes + NUL
    [InlineData(NameEncoding.Utf8, FcopyNames.FieldLength, false)]
    public void ANameFitsWhenItAndItsNulFillTheField(NameEncoding encoding, int length, bool fits)
    {
        string name = new('n', length);
        var field = new byte[FcopyNames.FieldLength];
        Assert.Equal(fits, FcopyNames.Encode(name, encoding, field));
        if (!fits) return;
        Assert.Equal(NameError.None, FcopyNames.Decode(field, encoding, out string back));
        Assert.Equal(name, back);
    }

    [Theory]
    [InlineData(NameEncoding.Utf16Le)]
    [InlineData(NameEncoding.Utf8)]
    public void EncodeClearsWhatWasInTheFieldBefore(NameEncoding encoding)
    {
        var field = Enumerable.Repeat((byte)0x41, FcopyNames.FieldLength).ToArray();
        Assert.True(FcopyNames.Encode("ab", encoding, field));
        Assert.Equal(NameError.None, FcopyNames.Decode(field, encoding, out string back));
        Assert.Equal("ab", back);
        int used = encoding == NameEncoding.Utf16Le ? 4 : 2;
        Assert.All(field[used..], b => Assert.Equal(0, b));
    }

    [Fact]
    public void ARefusedNameIsEmpty()
    {
        var field = Enumerable.Repeat((byte)0x41, 8).ToArray();   // no NUL
        Assert.Equal(NameError.NotTerminated, FcopyNames.DecodeUtf16Le(field, out string name));
        Assert.Equal("", name);
        Assert.Equal(NameError.NotTerminated, FcopyNames.DecodeUtf8(field, out name));
        Assert.Equal("", name);
    }
}
