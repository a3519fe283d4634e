using System.CommandLine;
using HvDaemons.Wire;

namespace HvDaemons.KvpClient;

/// <summary>The options and subcommands; what each does is in <see cref="ClientActions"/>.</summary>
internal static class ClientCommandLine
{
    public const int ExitUsage = 2;

    public static RootCommand Build()
    {
        var dir = new Option<string>("--dir")
        {
            Description = "the pool folder",
            DefaultValueFactory = _ => "/var/lib/hyperv",
            HelpName = "DIR",
            Recursive = true,
        };
        var pool = new Option<int?>("--pool")
        {
            Description = "one pool, 0-4 (list: every pool; get: the first pool that has the key; set, delete: 1)",
            HelpName = "N",
            Recursive = true,
        };
        pool.Validators.Add(r =>
        {
            int? n = r.GetValueOrDefault<int?>();
            if (n is < 0 or >= KvpPoolId.Count) r.AddError($"--pool must be 0 to {KvpPoolId.Count - 1} (got {n})");
        });
        var json = new Option<bool>("--json") { Description = "list as a JSON array of {pool, key, value}", Recursive = true };
        var force = new Option<bool>("--force") { Description = "allow writing pools 2 and 3", Recursive = true };
        var key = new Argument<string>("KEY");
        var value = new Argument<string>("VALUE");

        var root = new RootCommand("Reads and writes the Hyper-V KVP pool files (/var/lib/hyperv/.kvp_pool_N).");
        root.Options.Add(dir);
        root.Options.Add(pool);
        root.Options.Add(json);
        root.Options.Add(force);

        var list = new Command("list", "print every record (\"Pool is N\", \"Num records is M\", then \"Key: K; Value: V\" lines)");
        list.SetAction(p => ClientActions.List(p.GetValue(dir)!, p.GetValue(pool), p.GetValue(json)));
        var get = new Command("get", "print the value of KEY; exit 1 if no pool has it") { key };
        get.SetAction(p => ClientActions.Get(p.GetValue(dir)!, p.GetValue(pool), p.GetValue(key)!));
        var set = new Command("set", "store KEY=VALUE as one whole record") { key, value };
        set.SetAction(p => ClientActions.Set(p.GetValue(dir)!, p.GetValue(pool), p.GetValue(force), p.GetValue(key)!, p.GetValue(value)!));
        var delete = new Command("delete", "remove the record of KEY; exit 1 if there is none") { key };
        delete.SetAction(p => ClientActions.Delete(p.GetValue(dir)!, p.GetValue(pool), p.GetValue(force), p.GetValue(key)!));

        root.Subcommands.Add(list);
        root.Subcommands.Add(get);
        root.Subcommands.Add(set);
        root.Subcommands.Add(delete);
        return root;
    }
}
