using System;

namespace HvDaemons.Vss.Config;

/// <summary>
/// Shell case patterns for mount points and filesystem types: <c>*</c> any string (also across
/// '/'), <c>?</c> one character, <c>[abc]</c>, <c>[a-z]</c>, <c>[!x]</c> classes, <c>\</c>
/// quotes the next character. Written out here because .NET has no fnmatch and these must not
/// depend on the current directory or culture.
/// </summary>
public sealed class Glob
{
    readonly string _pattern;

    Glob(string pattern) => _pattern = pattern;

    public override string ToString() => _pattern;

    /// <summary>The pattern, or null with a reason (an unclosed '[' or a trailing '\').</summary>
    public static Glob? TryParse(string pattern, out string error)
    {
        error = "";
        for (int i = 0; i < pattern.Length; i++)
        {
            if (pattern[i] == '\\')
            {
                if (++i == pattern.Length) { error = "pattern ends in '\\'"; return null; }
            }
            else if (pattern[i] == '[')
            {
                if (ClassEnd(pattern, i) < 0) { error = "unclosed '[' in pattern"; return null; }
                i = ClassEnd(pattern, i);
            }
        }
        return new Glob(pattern);
    }

    public bool Matches(string text) => Match(_pattern.AsSpan(), text.AsSpan());

    static bool Match(ReadOnlySpan<char> p, ReadOnlySpan<char> t)
    {
        // Classic backtracking to the last '*': linear in practice, never exponential.
        int pi = 0, ti = 0, starP = -1, starT = 0;
        while (ti < t.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                starP = ++pi;
                starT = ti;
                continue;
            }
            if (pi < p.Length && One(p, ref pi, t[ti]))
            {
                ti++;
                continue;
            }
            if (starP < 0) return false;
            pi = starP;
            ti = ++starT;
        }
        while (pi < p.Length && p[pi] == '*') pi++;
        return pi == p.Length;
    }

    /// <summary>Whether the element at <paramref name="pi"/> matches <paramref name="c"/>; advances past it if so.</summary>
    static bool One(ReadOnlySpan<char> p, ref int pi, char c)
    {
        switch (p[pi])
        {
            case '?':
                pi++;
                return true;
            case '\\':
                if (p[pi + 1] != c) return false;
                pi += 2;
                return true;
            case '[':
                int end = ClassEnd(p, pi);
                if (!InClass(p[(pi + 1)..end], c)) return false;
                pi = end + 1;
                return true;
            default:
                if (p[pi] != c) return false;
                pi++;
                return true;
        }
    }

    /// <summary>Index of the ']' closing the class that opens at <paramref name="open"/>, or -1.
    /// A ']' right after '[' or '[!' is a member, as in the shell.</summary>
    static int ClassEnd(ReadOnlySpan<char> p, int open)
    {
        int i = open + 1;
        if (i < p.Length && (p[i] == '!' || p[i] == '^')) i++;
        if (i < p.Length && p[i] == ']') i++;
        for (; i < p.Length; i++)
            if (p[i] == ']') return i;
        return -1;
    }

    static bool InClass(ReadOnlySpan<char> body, char c)
    {
        bool negate = body.Length > 0 && (body[0] == '!' || body[0] == '^');
        if (negate) body = body[1..];
        bool found = false;
        for (int i = 0; i < body.Length; i++)
        {
            if (i + 2 < body.Length && body[i + 1] == '-')
            {
                if (c >= body[i] && c <= body[i + 2]) found = true;
                i += 2;
            }
            else if (body[i] == c) found = true;
        }
        return found != negate;
    }
}
