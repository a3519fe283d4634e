using System;
using System.Collections.Generic;

namespace HvDaemons.Fuzz.Engine;

/// <summary>What one input did: whether the code under test treated it as bad (a fault it
/// survived), and a behaviour code; an input with a behaviour not seen before joins the corpus.</summary>
public readonly record struct Verdict(bool Rejected, int Behaviour)
{
    public static Verdict Accepted(int behaviour) => new(false, behaviour);
    public static Verdict Refused(int behaviour) => new(true, behaviour);
}

/// <summary>An input broke a rule the code must keep (reply length, status set, file contents).</summary>
public sealed class InvariantViolation(string message) : Exception(message);

/// <summary>
/// One parser or handler under fuzz. <see cref="Run"/> feeds it one input and checks its
/// invariants, throwing <see cref="InvariantViolation"/> when one breaks; any other exception
/// escaping is a crash of the code under test.
/// </summary>
public abstract class FuzzTarget : IDisposable
{
    public abstract string Name { get; }

    /// <summary>One line for the report: what is fed, and what is checked.</summary>
    public abstract string Description { get; }

    /// <summary>Inputs are cut to this many bytes.</summary>
    public virtual int MaxInputLength => 4096;

    /// <summary>Size of a well-formed message; most mutants are cut or zero-padded back to it
    /// (0: inputs keep the length mutation gave them).</summary>
    public virtual int FixedLength => 0;

    /// <summary>Offsets where length fields and selectors live; mutations favour them.</summary>
    public virtual IReadOnlyList<int> HotOffsets => Array.Empty<int>();

    /// <summary>Byte strings worth inserting (keywords, escapes, separators).</summary>
    public virtual IReadOnlyList<byte[]> Tokens => Array.Empty<byte[]>();

    public abstract IEnumerable<byte[]> Seeds();

    public abstract Verdict Run(byte[] input);

    /// <summary>Records the target found lost or changed that it had been told were stored.</summary>
    public virtual long DataLost => 0;

    /// <summary>Brings the target back to a clean state after a crash left it unknown.</summary>
    public virtual void Reset() { }

    public virtual void Dispose() { }

    protected static void Check(bool condition, string rule)
    {
        if (!condition) throw new InvariantViolation(rule);
    }
}
