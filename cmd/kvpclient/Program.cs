using System;
using System.CommandLine;
using HvDaemons.KvpClient;

// hv_kvp_client: the guest's side of the KVP pools, for people, provisioning agents and tests.
RootCommand root = ClientCommandLine.Build();
ParseResult parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var e in parsed.Errors) Console.Error.WriteLine("hv_kvp_client: " + e.Message);
    Console.Error.WriteLine("Try 'hv_kvp_client --help'.");
    return ClientCommandLine.ExitUsage;
}
if (parsed.Action is null)   // options, but no command (and not --help or --version)
{
    Console.Error.WriteLine("hv_kvp_client: name a command: list, get, set or delete. Try 'hv_kvp_client --help'.");
    return ClientCommandLine.ExitUsage;
}
return parsed.Invoke();
