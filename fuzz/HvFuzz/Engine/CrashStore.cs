using System;
using System.IO;
using System.Text;

namespace HvDaemons.Fuzz.Engine;

/// <summary>Saves the first input of each unique crash as fuzz/crashes/&lt;target&gt;/&lt;hash&gt;.bin,
/// with the exception beside it in a .txt, so it can be replayed and kept as a regression test.</summary>
public sealed class CrashStore(string? directory)
{
    public string? Save(string target, string signature, byte[] input, Exception e)
    {
        if (directory is null) return null;
        string dir = Path.Combine(directory, target);
        Directory.CreateDirectory(dir);
        string stem = Path.Combine(dir, Hash(signature));
        File.WriteAllBytes(stem + ".bin", input);
        File.WriteAllText(stem + ".txt", signature + "\n\n" + e + "\n");
        return stem + ".bin";
    }

    /// <summary>Exception type, the first frame in our code, and for invariant breaks the rule broken.</summary>
    public static string Signature(Exception e)
    {
        string frame = "";
        foreach (string line in (e.StackTrace ?? "").Split('\n'))
        {
            string t = line.Trim();
            if (t.StartsWith("at HvDaemons.", StringComparison.Ordinal))
            {
                int paren = t.IndexOf('(');
                frame = paren > 0 ? t[3..paren] : t[3..];
                break;
            }
        }
        string what = e is InvariantViolation ? ": " + FirstWords(e.Message) : "";
        return e.GetType().Name + what + " @ " + frame;
    }

    static string FirstWords(string message)
    {
        int colon = message.IndexOf(':');
        string head = colon > 0 ? message[..colon] : message.Length > 60 ? message[..60] : message;
        var sb = new StringBuilder(head.Length);
        foreach (char c in head) if (!char.IsAsciiDigit(c)) sb.Append(c);
        return sb.ToString();
    }

    public static string Hash(string text)
    {
        ulong h = 14695981039346656037;
        foreach (byte b in Encoding.UTF8.GetBytes(text)) { h ^= b; h *= 1099511628211; }
        return h.ToString("x16");
    }
}
