using System;
using System.IO;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Fuzz.Targets;
using SharpFuzz;

// One HvFuzz target under AFL++: afl-fuzz runs this once and forks per input through
// SharpFuzz's fork server; coverage comes from the instrumented HvDaemons.dll. An escaping
// exception (including a broken invariant) is reported to AFL++ as a crash.
if (args.Length != 1)
{
    Console.Error.WriteLine("usage: HvFuzz.Afl <target>   (targets: " + string.Join(", ", AllTargets.Names) + ")");
    return 2;
}
// Created on the first input: instrumented code may run only after SharpFuzz has mapped
// AFL's coverage area (before that, its counters point nowhere).
FuzzTarget? target = null;
AppDomain.CurrentDomain.ProcessExit += (_, _) => target?.Dispose();   // its temporary fixture
Fuzzer.OutOfProcess.Run(stream =>
{
    target ??= AllTargets.Create(args[0]);
    using var buffer = new MemoryStream();
    stream.CopyTo(buffer);
    byte[] input = buffer.ToArray();
    if (input.Length > target.MaxInputLength) Array.Resize(ref input, target.MaxInputLength);
    target.Run(input);
});
return 0;
