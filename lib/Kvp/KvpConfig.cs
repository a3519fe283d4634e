using System;
using System.IO;
using HvDaemons.Logging;

namespace HvDaemons.Kvp;

/// <summary>
/// /etc/hyperv/kvp.conf (hv_kvp_daemon(8)): "name = value" lines, '#' comments. A missing file
/// means the defaults; an unknown name or bad value is logged once and the default kept.
/// </summary>
public sealed record KvpConfig(bool ResetPoolsOnNewVm, bool SyncPoolWrites)
{
    public const string ResetPoolsOnNewVmName = "reset-pools-on-new-vm";
    public const string SyncPoolWritesName = "sync-pool-writes";

    public static KvpConfig Defaults { get; } = new(ResetPoolsOnNewVm: false, SyncPoolWrites: false);

    public static KvpConfig Load(string path, Logger log)
    {
        string[] lines;
        try { lines = File.ReadAllLines(path); }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException) { return Defaults; }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            log.Err($"{path}: {e.Message}; using the defaults");
            return Defaults;
        }
        KvpConfig config = Defaults;
        for (int n = 0; n < lines.Length; n++)
        {
            ReadOnlySpan<char> line = lines[n].AsSpan();
            int hash = line.IndexOf('#');
            if (hash >= 0) line = line[..hash];
            line = line.Trim();
            if (line.IsEmpty) continue;
            int eq = line.IndexOf('=');
            string name = (eq < 0 ? line : line[..eq]).Trim().ToString();
            string value = eq < 0 ? "" : line[(eq + 1)..].Trim().ToString();
            bool reset = name == ResetPoolsOnNewVmName;
            if (!reset && name != SyncPoolWritesName)
            {
                log.Warning($"{path}:{n + 1}: unknown setting \"{name}\"; ignored");
                continue;
            }
            bool current = reset ? config.ResetPoolsOnNewVm : config.SyncPoolWrites;
            if (ParseBool(value) is not bool b)
                log.Err($"{path}:{n + 1}: {name} must be yes or no, not \"{value}\"; kept {(current ? "yes" : "no")}");
            else
                config = reset ? config with { ResetPoolsOnNewVm = b } : config with { SyncPoolWrites = b };
        }
        return config;
    }

    static bool? ParseBool(string v) => v.ToLowerInvariant() switch
    {
        "yes" or "true" or "on" or "1" => true,
        "no" or "false" or "off" or "0" => false,
        _ => null,
    };
}
