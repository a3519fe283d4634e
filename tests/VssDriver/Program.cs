using System;
using HvDaemons.Tests.VssDriver;

// Modes (all test-only):
//   serve                          the VSS service and daemon loop over stdin/stdout
//   write-fsync <path>             write 4 KiB and fsync; prints "done" (blocks on a frozen filesystem)
//   sandbox-init --allow M:m,...   first process in the pivoted sandbox: detach the old root,
//                                  check the mounts, then take commands on stdin (SandboxAgent)
//   check-exec <program> [args]    after pivot_root: detach the old root, check the mounts against
//                                  $HVD_SANDBOX_ALLOW, then exec the program (CheckExec)
//   probe --allow M:m,... <dir>    "frozen" / "free" for a mount point of a test device
//   thaw-all --allow M:m,...       FITHAW every mount of a test device (cleanup)
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: hvd-vss-driver serve | write-fsync <path> | sandbox-init --allow M:m,... | check-exec <program> [args] | probe --allow M:m,... <dir> | thaw-all --allow M:m,...");
    return 2;
}
return args[0] switch
{
    "serve" => Serve.Run(),
    "write-fsync" when args.Length == 2 => WriteFsync.Run(args[1]),
    "sandbox-init" when args.Length == 3 && args[1] == "--allow" => SandboxAgent.Run(MountGuard.ParseAllowed(args[2])),
    "check-exec" when args.Length >= 2 => CheckExec.Run(args[1..]),
    "probe" when args.Length == 4 && args[1] == "--allow" => Answer(GuardedProbe(args[2], args[3])),
    "thaw-all" when args.Length == 3 && args[1] == "--allow" => Answer("ok " + FreezeProbe.ThawAll(MountGuard.ParseAllowed(args[2]))),
    _ => 2,
};

// A probe freezes for a moment, so it runs only where every mount passed the guard.
static string GuardedProbe(string allow, string mountPoint)
{
    string[] allowed = MountGuard.ParseAllowed(allow);
    string verdict = MountGuard.Check(allowed, out bool safe);
    return safe ? FreezeProbe.Probe(mountPoint, allowed) : "err " + verdict;
}

static int Answer(string reply)
{
    Console.WriteLine(reply);
    return reply.StartsWith("ok", StringComparison.Ordinal) ? 0 : 1;
}
