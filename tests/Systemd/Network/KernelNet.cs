using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Linq;
using System.Text.Json;
using System.Threading;

namespace HvDaemons.Systemd.Network;

/// <summary>
/// What the container's kernel has on the adapter, from `ip -j addr show dev`, `ip -j route show
/// dev` and `ip -j -6 route show dev`: global addresses as address/prefix, the gateway of every
/// default route per family (a route present twice is listed twice), and whether an address is
/// still tentative (IPv6 duplicate address detection).
/// </summary>
public sealed record KernelNet(List<string> Addresses, List<string> Gateways4, List<string> Gateways6, List<string> Defaults,
                               bool Tentative, string Raw)
{
    public static KernelNet Read(NetworkGuest g)
    {
        CommandResult addr = g.Run(20, "ip", "-j", "addr", "show", "dev", NetworkGuest.Interface);
        CommandResult r4 = g.Run(20, "ip", "-j", "route", "show", "dev", NetworkGuest.Interface);
        CommandResult r6 = g.Run(20, "ip", "-j", "-6", "route", "show", "dev", NetworkGuest.Interface);
        string raw = "ip -j addr: " + addr.Stdout.Trim() + addr.Stderr + "\nip -j route: " + r4.Stdout.Trim() + r4.Stderr
                     + "\nip -j -6 route: " + r6.Stdout.Trim() + r6.Stderr;
        var addresses = new List<string>();
        bool tentative = false;
        foreach (JsonElement link in Array(addr.Stdout))
        {
            if (!link.TryGetProperty("addr_info", out JsonElement infos)) continue;
            foreach (JsonElement a in infos.EnumerateArray())
            {
                if (Text(a, "scope") != "global") continue;
                addresses.Add(Text(a, "local") + "/" + a.GetProperty("prefixlen").GetInt32());
                tentative |= a.TryGetProperty("tentative", out JsonElement t) && t.ValueKind == JsonValueKind.True;
            }
        }
        return new KernelNet(addresses, Gateways(r4.Stdout), Gateways(r6.Stdout), [.. Described(r4.Stdout), .. Described(r6.Stdout)], tentative, raw);
    }

    /// <summary>Polls until <paramref name="done"/> holds (and no address is tentative) or the time is up; the last reading.</summary>
    public static KernelNet WaitFor(NetworkGuest g, Func<KernelNet, bool> done, TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            KernelNet k = Read(g);
            if ((done(k) && !k.Tentative) || clock.Elapsed > timeout) return k;
            Thread.Sleep(250);
        }
    }

    /// <summary>The metric of the default route via <paramref name="gateway"/> (the first such), or -1.</summary>
    public int Metric(string gateway)
    {
        string? line = Defaults.Find(d => d.StartsWith(gateway + " metric ", StringComparison.Ordinal));
        return line is null ? -1 : int.Parse(line[(gateway.Length + " metric ".Length)..]);
    }

    static List<string> Gateways(string json) =>
        Array(json).Where(r => Text(r, "dst") == "default").Select(r => Text(r, "gateway") ?? "(no gateway)").ToList();

    // "192.0.2.1 metric 100": which default route the kernel prefers (the lowest metric).
    static List<string> Described(string json) =>
        Array(json).Where(r => Text(r, "dst") == "default")
                   .Select(r => (Text(r, "gateway") ?? "(no gateway)") + " metric " + (r.TryGetProperty("metric", out JsonElement m) ? m.GetInt32() : 0))
                   .ToList();

    static JsonElement[] Array(string json)
    {
        if (string.IsNullOrWhiteSpace(json)) return [];
        using JsonDocument d = JsonDocument.Parse(json);
        return d.RootElement.ValueKind == JsonValueKind.Array ? d.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray() : [];
    }

    static string? Text(JsonElement e, string name) => e.TryGetProperty(name, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    public override string ToString() =>
        "addresses " + Join(Addresses) + ", default via " + (Defaults.Count == 0 ? "none" : string.Join(", ", Defaults));

    static string Join(List<string> items) => items.Count == 0 ? "none" : string.Join(' ', items);
}
