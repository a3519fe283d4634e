using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using HvDaemons.Fcopy;
using HvDaemons.Wire;
using Xunit;

#pragma warning disable CA1416 // Linux-only tests
namespace HvDaemons.Tests.Fcopy;

/// <summary>One host conversation: a message and the status it must get, or a transport reset.</summary>
public sealed record FcopyStep(byte[]? Message, uint Expect, bool ResetTransport = false)
{
    public static FcopyStep Reset() => new(null, 0, ResetTransport: true);
}

/// <summary>A host as a test sees it: sends one fcopy message and returns the status the daemon answered.</summary>
public interface IFcopyHost : IDisposable
{
    NameEncoding Encoding { get; }
    uint Send(byte[] message);
    /// <summary>Breaks the transport under the daemon (reopen), as a kernel timeout or rescind does.</summary>
    void ResetTransport();
}

/// <summary>
/// The file-semantics table (docs/protocol.md §6.2-§6.4 plus our documented differences). It is run
/// unchanged against the handler with both name encodings and against each transport, so the
/// char device and the uio ring are held to the same behaviour.
/// </summary>
public static class FcopyCases
{
    public sealed record Case(string Name, Action<string>? Setup, Func<string, NameEncoding, List<FcopyStep>> Steps, Action<string> Check);

    const uint Ok = HvStatus.S_OK, Fail = HvStatus.E_FAIL, Exists = HvStatus.ERROR_ALREADY_EXISTS;
    const uint Over = FcopyOp.OverWrite, Create = FcopyOp.CreatePath;

    static byte[] Data(int n, int seed)
    {
        var b = new byte[n];
        uint x = (uint)seed * 2654435761u + 1;
        for (int i = 0; i < n; i++) { x ^= x << 13; x ^= x >> 17; x ^= x << 5; b[i] = (byte)x; }
        return b;
    }

    static FcopyStep S(byte[] m, uint expect) => new(m, expect);

    /// <summary>START, then the data in 6 KiB fragments, then COMPLETE, all expecting success.</summary>
    static List<FcopyStep> Copy(string dir, string name, uint flags, byte[] data, NameEncoding e)
    {
        var steps = new List<FcopyStep> { S(FcopyMessages.Start(dir, name, flags, e), Ok) };
        for (int off = 0; off < data.Length; off += FcopyLayout.DataFragment)
        {
            int n = Math.Min(FcopyLayout.DataFragment, data.Length - off);
            steps.Add(S(FcopyMessages.Write((ulong)off, data.AsSpan(off, n)), Ok));
        }
        steps.Add(S(FcopyMessages.Complete(), Ok));
        return steps;
    }

    static void AssertFile(string path, byte[] expected)
    {
        Assert.True(File.Exists(path), path + " missing");
        Assert.Equal(expected, File.ReadAllBytes(path));
    }

    static byte[] Utf8Field(byte[] bytes)
    {
        var f = new byte[FcopyLayout.NameFieldLength];
        bytes.CopyTo(f, 0);
        return f;
    }

    static byte[] Utf16Field(params ushort[] units)
    {
        var f = new byte[FcopyLayout.NameFieldLength];
        for (int i = 0; i < units.Length; i++) { f[2 * i] = (byte)units[i]; f[2 * i + 1] = (byte)(units[i] >> 8); }
        return f;
    }

    static byte[] PathField(string root, NameEncoding e)
    {
        var f = new byte[FcopyLayout.NameFieldLength];
        FcopyNames.Encode(root, e, f);
        return f;
    }

    public static readonly Case[] All =
    {
        new("new file, no flags, mode 0744", null,
            (r, e) => Copy(r, "a.bin", 0, Data(20000, 1), e),
            r =>
            {
                AssertFile(r + "/a.bin", Data(20000, 1));
                var mode = File.GetUnixFileMode(r + "/a.bin");
                // 0744 masked by the test process's umask (022 in CI).
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
                             | UnixFileMode.GroupRead | UnixFileMode.OtherRead, mode);
            }),
        new("empty file", null,
            (r, e) => Copy(r, "empty", 0, Array.Empty<byte>(), e),
            r => AssertFile(r + "/empty", Array.Empty<byte>())),
        new("existing file without OVER_WRITE is kept", r => File.WriteAllText(r + "/keep", "original"),
            (r, e) => new() { S(FcopyMessages.Start(r, "keep", 0, e), Exists), S(FcopyMessages.Complete(), Ok) },
            r => Assert.Equal("original", File.ReadAllText(r + "/keep"))),
        new("existing file with OVER_WRITE is replaced", r => File.WriteAllText(r + "/over", new string('x', 50000)),
            (r, e) => Copy(r, "over", Over, Data(100, 2), e),
            r => AssertFile(r + "/over", Data(100, 2))),
        new("missing directory without CREATE_PATH", null,
            (r, e) => new() { S(FcopyMessages.Start(r + "/no/such", "f", 0, e), Fail) },
            r => Assert.False(Directory.Exists(r + "/no"))),
        new("CREATE_PATH makes every directory, the last one too", null,
            (r, e) => Copy(r + "/d1/d2/d3", "f", Create, Data(10, 3), e),
            r => AssertFile(r + "/d1/d2/d3/f", Data(10, 3))),
        new("CREATE_PATH with a trailing slash and repeated slashes", null,
            (r, e) => Copy(r + "//x//y/", "f", Create, Data(10, 4), e),
            r => AssertFile(r + "/x/y/f", Data(10, 4))),
        new("a path component that is a file", r => File.WriteAllText(r + "/plain", "p"),
            (r, e) => new() { S(FcopyMessages.Start(r + "/plain/sub", "f", Create, e), Fail) },
            r => Assert.Equal("p", File.ReadAllText(r + "/plain"))),
        new("writes at the host's offsets, out of order and sparse", null,
            (r, e) => new()
            {
                S(FcopyMessages.Start(r, "sparse", 0, e), Ok),
                S(FcopyMessages.Write(10000, Data(100, 5)), Ok),
                S(FcopyMessages.Write(0, Data(50, 6)), Ok),
                S(FcopyMessages.Complete(), Ok),
            },
            r =>
            {
                var expect = new byte[10100];
                Data(50, 6).CopyTo(expect, 0);
                Data(100, 5).CopyTo(expect, 10000);
                AssertFile(r + "/sparse", expect);
            }),
        new("CANCEL removes the partial file", null,
            (r, e) => new()
            {
                S(FcopyMessages.Start(r, "partial", 0, e), Ok),
                S(FcopyMessages.Write(0, Data(6144, 7)), Ok),
                S(FcopyMessages.Cancel(), Ok),
            },
            r => Assert.False(File.Exists(r + "/partial"))),
        new("a transport reset mid-copy removes the partial file", null,
            (r, e) => new()
            {
                S(FcopyMessages.Start(r, "reset", 0, e), Ok),
                S(FcopyMessages.Write(0, Data(6144, 8)), Ok),
                FcopyStep.Reset(),
            },
            r => Assert.False(File.Exists(r + "/reset"))),
        new("CANCEL after COMPLETE keeps the finished file", null,
            (r, e) =>
            {
                var s = Copy(r, "done", 0, Data(7000, 9), e);
                s.Add(S(FcopyMessages.Cancel(), Ok));
                return s;
            },
            r => AssertFile(r + "/done", Data(7000, 9))),
        new("a new START abandons an unfinished copy", null,
            (r, e) =>
            {
                var s = new List<FcopyStep> { S(FcopyMessages.Start(r, "first", 0, e), Ok), S(FcopyMessages.Write(0, Data(10, 1)), Ok) };
                s.AddRange(Copy(r, "second", 0, Data(10, 2), e));
                return s;
            },
            r => { Assert.False(File.Exists(r + "/first")); AssertFile(r + "/second", Data(10, 2)); }),
        new("non-ASCII name", null,
            (r, e) => Copy(r + "/Grüße", "Datei ñ 日本.txt", Create, Data(33, 10), e),
            r => AssertFile(r + "/Grüße/Datei ñ 日本.txt", Data(33, 10))),
        new("surrogate-pair name", null,
            (r, e) => Copy(r, "emoji 😀𝄞.bin", 0, Data(5, 11), e),
            r => AssertFile(r + "/emoji 😀𝄞.bin", Data(5, 11))),
        new("file name with a slash is refused", r => Directory.CreateDirectory(r + "/sub"),
            (r, e) => new() { S(FcopyMessages.Start(r, "sub/evil", 0, e), Fail) },
            r => Assert.Empty(Directory.GetFiles(r, "*", SearchOption.AllDirectories))),
        new("file name .. is refused", null,
            (r, e) => new() { S(FcopyMessages.Start(r + "/x", "..", Create | Over, e), Fail) },
            r => Assert.Empty(Directory.GetFiles(r, "*", SearchOption.AllDirectories))),
        new("a symlink at the target is not followed", r =>
            {
                File.WriteAllText(r + "/victim", "safe");
                File.CreateSymbolicLink(r + "/link", r + "/victim");
            },
            (r, e) => new() { S(FcopyMessages.Start(r, "link", Over, e), Fail), S(FcopyMessages.Write(0, Data(10, 1)), Fail) },
            r => Assert.Equal("safe", File.ReadAllText(r + "/victim"))),
        new("WRITE without START", null,
            (r, e) => new() { S(FcopyMessages.Write(0, Data(10, 1)), Fail) },
            r => Assert.Empty(Directory.GetFiles(r))),
        new("unknown operation, then service continues", null,
            (r, e) =>
            {
                var s = new List<FcopyStep> { S(FcopyMessages.Op(9), Fail), S(FcopyMessages.Op(0xFFFFFFFF), Fail) };
                s.AddRange(Copy(r, "after", 0, Data(10, 12), e));
                return s;
            },
            r => AssertFile(r + "/after", Data(10, 12))),
        new("fragment larger than DATA_FRAGMENT", null,
            (r, e) => new()
            {
                S(FcopyMessages.Start(r, "big", 0, e), Ok),
                S(FcopyMessages.Write(0, Data(10, 1), declaredSize: 6145), Fail),
                S(FcopyMessages.Write(0, Data(10, 1), declaredSize: uint.MaxValue), Fail),
                S(FcopyMessages.Write(0, Data(4, 13)), Ok),
                S(FcopyMessages.Complete(), Ok),
            },
            r => AssertFile(r + "/big", Data(4, 13))),
        new("offset beyond 2^63", null,
            (r, e) => new()
            {
                S(FcopyMessages.Start(r, "far", 0, e), Ok),
                S(FcopyMessages.Write(1UL << 63, Data(10, 1)), Fail),
                S(FcopyMessages.Write(ulong.MaxValue, Data(10, 1)), Fail),
                S(FcopyMessages.Write(long.MaxValue - 5, Data(10, 1)), Fail),
                S(FcopyMessages.Complete(), Ok),
            },
            r => AssertFile(r + "/far", Array.Empty<byte>())),
        new("name without NUL", null,
            (r, e) => new()
            {
                S(FcopyMessages.StartRaw(PathField(r, e), Fill(e == NameEncoding.Utf8 ? (byte)'a' : (byte)0x61, e), 0), Fail),
            },
            r => Assert.Empty(Directory.GetFiles(r))),
        new("path without NUL", null,
            (r, e) => new() { S(FcopyMessages.StartRaw(Fill((byte)'b', e), PathField("n", e), 0), Fail) },
            r => Assert.Empty(Directory.GetFiles(r))),
        new("invalid encoding of the name", null,
            (r, e) => new()
            {
                // UTF-8: a lone continuation byte and an encoded surrogate; UTF-16: lone high and low surrogates.
                S(FcopyMessages.StartRaw(PathField(r, e), e == NameEncoding.Utf8 ? Utf8Field(new byte[] { 0x61, 0x80 }) : Utf16Field(0x61, 0xD800), 0), Fail),
                S(FcopyMessages.StartRaw(PathField(r, e), e == NameEncoding.Utf8 ? Utf8Field(new byte[] { 0xED, 0xA0, 0x80 }) : Utf16Field(0xDC00, 0x61), 0), Fail),
                S(FcopyMessages.StartRaw(PathField(r, e), e == NameEncoding.Utf8 ? Utf8Field(new byte[] { 0xC0, 0xAF }) : Utf16Field(0xDBFF, 0xDBFF, 0xDFFF), 0), Fail),
            },
            r => Assert.Empty(Directory.GetFiles(r))),
        new("START message cut short", null,
            (r, e) => new() { S(FcopyMessages.Start(r, "short", 0, e)[..600], Fail), S(FcopyMessages.Op(FcopyOp.WriteToFile, 40), Fail) },
            r => Assert.Empty(Directory.GetFiles(r))),
        new("file name longer than NAME_MAX", null,
            (r, e) => new() { S(FcopyMessages.Start(r, new string('é', 200), 0, e), Fail) },
            r => Assert.Empty(Directory.GetFileSystemEntries(r))),
    };

    static byte[] Fill(byte b, NameEncoding e)
    {
        var f = new byte[FcopyLayout.NameFieldLength];
        for (int i = 0; i < f.Length; i++) f[i] = e == NameEncoding.Utf8 || i % 2 == 0 ? b : (byte)0;
        return f;
    }

    public static IEnumerable<object[]> Names()
    {
        foreach (Case c in All) yield return new object[] { c.Name };
    }

    public static Case Find(string name) => Array.Find(All, c => c.Name == name) ?? throw new ArgumentException(name);

    /// <summary>Runs one case against a host in a fresh directory under <paramref name="parent"/>.</summary>
    public static void Run(string name, IFcopyHost host, string parent)
    {
        Case c = Find(name);
        string root = Path.Combine(parent, "case-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        try
        {
            c.Setup?.Invoke(root);
            int i = 0;
            foreach (FcopyStep step in c.Steps(root, host.Encoding))
            {
                if (step.ResetTransport) host.ResetTransport();
                else
                {
                    uint got = host.Send(step.Message!);
                    Assert.True(step.Expect == got,
                        $"step {i}: expected {HvStatus.Name(step.Expect)}, got {HvStatus.Name(got)}");
                }
                i++;
            }
            c.Check(root);
        }
        finally
        {
            Directory.Delete(root, recursive: true);
        }
    }
}
