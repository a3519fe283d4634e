using System;
using System.Collections.Generic;
using System.IO;

using HvDaemons.Os;

namespace HvDaemons.Kvp.Net;

/// <summary>
/// Name servers without a helper script: the "nameserver" lines of /etc/resolv.conf, as
/// upstream's sample hv_get_dns_info prints them. When that file only points at the local
/// systemd-resolved stub (127.0.0.53), the real upstream servers are in resolved's own file.
/// </summary>
internal static class DnsServers
{
    const string ResolvedStub = "127.0.0.53";

    public static List<string> Read(KvpPaths paths)
    {
        List<string> servers = Parse(TextFile.ReadOrEmpty(paths.ResolvConf));
        if (servers.Count > 0 && servers.TrueForAll(s => s == ResolvedStub))
        {
            List<string> real = Parse(TextFile.ReadOrEmpty(paths.ResolvedConf));
            if (real.Count > 0) return real;
        }
        return servers;
    }

    public static List<string> Parse(string text)
    {
        var list = new List<string>();
        foreach (string raw in text.Split('\n'))
        {
            string[] f = raw.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            if (f.Length >= 2 && f[0] == "nameserver") list.Add(f[1]);
        }
        return list;
    }

}
