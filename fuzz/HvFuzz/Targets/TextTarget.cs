using System.Collections.Generic;
using System.Text;
using HvDaemons.Fuzz.Engine;

namespace HvDaemons.Fuzz.Targets;

/// <summary>A parser of a text file: inputs are decoded as UTF-8 (with replacement, as the
/// daemon's file readers do) and handed over as a string.</summary>
abstract class TextTarget : FuzzTarget
{
    public override int MaxInputLength => 4096;

    protected abstract string[] SeedTexts { get; }
    protected abstract string[] TokenTexts { get; }

    public override IEnumerable<byte[]> Seeds()
    {
        foreach (string s in SeedTexts) yield return Encoding.UTF8.GetBytes(s);
    }

    IReadOnlyList<byte[]>? _tokens;
    public override IReadOnlyList<byte[]> Tokens => _tokens ??= Encode(TokenTexts);

    static byte[][] Encode(string[] texts)
    {
        var t = new byte[texts.Length][];
        for (int i = 0; i < texts.Length; i++) t[i] = Encoding.UTF8.GetBytes(texts[i]);
        return t;
    }

    public override Verdict Run(byte[] input) => RunText(Encoding.UTF8.GetString(input));

    protected abstract Verdict RunText(string text);
}
