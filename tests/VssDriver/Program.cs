using System;
using HvDaemons.Tests.VssDriver;

// Modes (all test-only):
//   serve                          the VSS service and daemon loop over stdin/stdout
//   write-fsync <path>             write 4 KiB and fsync; prints "done" (blocks on a frozen filesystem)
//   sandbox-init --allow M:m,...   first process in the pivoted sandbox: detach the old root,
//                                  check the mounts, then take commands on stdin (SandboxAgent)
if (args.Length == 0)
{
    Console.Error.WriteLine("usage: hvd-vss-driver serve | write-fsync <path> | sandbox-init --allow M:m,...");
    return 2;
}
return args[0] switch
{
    "serve" => Serve.Run(),
    "write-fsync" when args.Length == 2 => WriteFsync.Run(args[1]),
    "sandbox-init" when args.Length == 3 && args[1] == "--allow" => SandboxAgent.Run(args[2].Split(',')),
    _ => 2,
};
