using System;
using HvDaemons.HostSim;
using HvDaemons.HostSim.Cli;

// hvhost: the simulated Hyper-V host on the command line.
//   hvhost demo [--bin DIR]   run each daemon against the simulated host and print a transcript
const string Usage = """
    usage: hvhost demo [--bin DIR]
      Starts hv_kvp_daemon, hv_vss_daemon and hv_fcopy_daemon from DIR (default out/linux-x64),
      each in a private mount namespace against the simulated /dev/vmbus devices, plays the
      Windows host, and prints what the host asked, what the daemon answered, the files it left
      and its syslog lines. Needs root, /dev/fuse and util-linux. Exit status 0 on success.
    """;

if (args.Length == 0 || args[0] is "-h" or "--help" or "help")
{
    Console.WriteLine(Usage);
    return args.Length == 0 ? 1 : 0;
}
if (args[0] != "demo")
{
    Console.Error.WriteLine("hvhost: unknown command '" + args[0] + "'\n" + Usage);
    return 1;
}
string bin = "out/linux-x64";
for (int i = 1; i < args.Length; i++)
{
    if (args[i] == "--bin" && i + 1 < args.Length) bin = args[++i];
    else
    {
        Console.Error.WriteLine("hvhost demo: unexpected argument '" + args[i] + "'\n" + Usage);
        return 1;
    }
}
if (SandboxSupport.WhyUnavailable() is string why)
{
    Console.Error.WriteLine("hvhost demo: cannot run sandboxes here: " + why);
    return 2;
}
return new Demo(bin).Run();
