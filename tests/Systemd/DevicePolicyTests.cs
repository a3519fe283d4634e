using System;
using System.Collections.Generic;
using Xunit;

namespace HvDaemons.Systemd;

/// <summary>
/// The device policy systemd derives for each unit, as it reports it. Inside a container the
/// policy is not enforced (opening the node there proves nothing), so what is checked is the
/// effective setting: no allow-list at all (DevicePolicy=auto, DeviceAllow empty), or one that
/// names every node the daemon and its children open. An option that implies an allow-list
/// (ProtectClock=yes on systemd 245-252 reports DeviceAllow=char-rtc r) fails here; on a guest
/// it would make opening /dev/vmbus/* fail with EPERM.
/// </summary>
[Collection(ContainerCollection.Name)]
public sealed class DevicePolicyTests(ContainerFixture containers)
{
    /// <summary>Each installed unit with the nodes it (and what it runs) opens read-write.</summary>
    static readonly Dictionary<string, string[]> Needs = new(StringComparer.Ordinal)
    {
        ["hv_kvp_daemon.service"] = ["/dev/vmbus/hv_kvp", "/dev/null"],          // the scripts' redirections
        ["hv_vss_daemon.service"] = ["/dev/vmbus/hv_vss", "/dev/null"],
        ["hv_fcopy_daemon.service"] = ["/dev/vmbus/hv_fcopy", "/dev/null"],
        ["hv_fcopy_uio_daemon.service"] = ["/dev/uio0", "/dev/null"],            // any uioN: covered as char-uio or a glob
        ["hv_fcopy_uio_bind.service"] = ["/dev/null"],
    };

    // What DevicePolicy=closed allows without an entry (systemd.resource-control(5)).
    static readonly string[] ClosedImplicit = ["/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", "/dev/ptmx"];

    public static TheoryData<string, string> Units
    {
        get
        {
            var data = new TheoryData<string, string>();
            foreach (DebianRelease r in DebianRelease.All)
                foreach (string u in Needs.Keys) data.Add(r.Codename, u);
            return data;
        }
    }

    [SkippableTheory]
    [MemberData(nameof(Units))]
    public void DevicePolicy_AllowsEveryNodeTheDaemonOpens(string release, string unit)
    {
        BootedContainer c = containers.Get(release);
        Dictionary<string, string> v = c.Show(unit, "LoadState", "DevicePolicy", "DeviceAllow");
        Assert.True(v["LoadState"] == "loaded", unit + ": " + UnitLifecycle.Format(v));
        // systemctl prints one DeviceAllow line per entry, so none at all for an empty list.
        v.TryAdd("DeviceAllow", "");
        List<string> blocked = Blocked(v["DevicePolicy"], v["DeviceAllow"], Needs[unit]);
        Assert.True(blocked.Count == 0,
                    unit + " under systemd " + DebianRelease.Named(release).SystemdVersion + " has an allow-list without "
                    + string.Join(", ", blocked) + ": DevicePolicy=" + v["DevicePolicy"] + " DeviceAllow=" + v["DeviceAllow"]);
    }

    /// <summary>The check bites: ProtectClock=yes (in a runtime drop-in) gives the KVP unit an
    /// allow-list of char-rtc alone under Debian 11's systemd 247.</summary>
    [SkippableFact]
    public void DevicePolicy_CatchesTheAllowListProtectClockImplies()
    {
        BootedContainer c = containers.Get(DebianRelease.Bullseye.Codename);
        const string unit = "hv_kvp_daemon.service";
        const string dropIn = "/run/systemd/system/" + unit + ".d/protect-clock.conf";
        Assert.Equal(0, c.Exec(10, "sh", "-c", "mkdir -p \"${0%/*}\" && printf '[Service]\\nProtectClock=yes\\n' > \"$0\"", dropIn).ExitCode);
        try
        {
            Assert.Equal(0, c.Systemctl("daemon-reload").ExitCode);
            Dictionary<string, string> v = c.Show(unit, "DevicePolicy", "DeviceAllow");
            Assert.Contains("char-rtc", v["DeviceAllow"]);
            Assert.Contains("/dev/vmbus/hv_kvp", Blocked(v["DevicePolicy"], v["DeviceAllow"], Needs[unit]));
        }
        finally
        {
            c.Exec(10, "rm", "-f", dropIn);
            c.Systemctl("daemon-reload");
        }
    }

    /// <summary>The nodes of <paramref name="needs"/> the policy would refuse read-write access to.</summary>
    static List<string> Blocked(string policy, string deviceAllow, string[] needs)
    {
        var blocked = new List<string>();
        List<(string Spec, string Access)> entries = Parse(deviceAllow);
        if (policy == "auto" && entries.Count == 0) return blocked;   // no allow-list: every node is reachable
        foreach (string node in needs)
        {
            bool implicitOk = policy == "closed" && Array.IndexOf(ClosedImplicit, node) >= 0;
            bool listed = entries.Exists(e => Covers(e.Spec, node) && e.Access.Contains('r') && e.Access.Contains('w'));
            if (!implicitOk && !listed) blocked.Add(node);
        }
        return blocked;
    }

    // "/dev/a rw, char-misc rw": BootedContainer.Show joins the entries' lines.
    static List<(string, string)> Parse(string value)
    {
        var list = new List<(string, string)>();
        foreach (string part in value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            string[] w = part.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            list.Add((w[0], w.Length > 1 ? w[1] : "rwm"));
        }
        return list;
    }

    static bool Covers(string spec, string node)
    {
        if (spec == node) return true;
        if (spec.EndsWith('*') && node.StartsWith(spec[..^1], StringComparison.Ordinal)) return true;
        // Device classes by their /proc/devices name: the vmbus nodes are misc, uioN are uio, /dev/null is mem.
        return spec switch
        {
            "char-misc" => node.StartsWith("/dev/vmbus/", StringComparison.Ordinal),
            "char-uio" => node.StartsWith("/dev/uio", StringComparison.Ordinal),
            "char-mem" => node is "/dev/null" or "/dev/zero" or "/dev/full" or "/dev/random" or "/dev/urandom",
            _ => false,
        };
    }
}
