using System;
using System.Collections.Generic;
using System.Text;
using HvDaemons.Fuzz.Engine;
using HvDaemons.Kvp.Net;
using HvDaemons.Wire;
using static HvDaemons.Kvp.Net.IpConfigParser;

namespace HvDaemons.Fuzz.Targets;

/// <summary>
/// SET_IP_INFO's lists (address, subnet, gateway, DNS fields as the host fills them, bytes
/// after a NUL included) through the validator, then the ifcfg and NetworkManager keyfile
/// writers. Checks: whatever is accepted writes only KEY=value lines of address characters.
/// </summary>
sealed class IpConfigTarget : FuzzTarget
{
    static readonly int[] FieldLengths = [KvpLayout.IpAddrLength, KvpLayout.SubNetLength, KvpLayout.GateWayLength, KvpLayout.DnsAddrLength];
    static readonly ListKind[] Kinds = [ListKind.Address, ListKind.Subnet, ListKind.Gateway, ListKind.Dns];

    public override string Name => "ip-config";
    public override string Description => "SET_IP_INFO list validation + ifcfg/keyfile writers: no injected lines or characters";
    public override int MaxInputLength => 4096;

    public override IReadOnlyList<byte[]> Tokens { get; } =
        [B(";"), B(" "), B("::"), B("."), B(":"), B("0"), B("255.255.255.0"), B("fe80::1"), B("128"), B("\0"), B("\n"), B("%eth0"), B("$(x)"), B("\"")];

    static byte[] B(string s) => Encoding.UTF8.GetBytes(s);

    public override IEnumerable<byte[]> Seeds()
    {
        yield return B("0\n192.168.0.10;fe80::10\n255.255.255.0;64\n192.168.0.1;fe80::1\n192.168.0.1;fe80::53");
        yield return B("1\n10.0.0.2;10.0.0.3\n255.0.0.0;255.255.0.0\n\n1.1.1.1;");
        yield return B("0\n::1; ::2;\n128;0\n::\n");
        yield return B("0\n1.2.3.4\0hidden\n255.255.255.255\n\n");
    }

    public override Verdict Run(byte[] input)
    {
        var parts = new List<byte[]>();
        int start = 0;
        for (int i = 0; i <= input.Length && parts.Count < 5; i++)
        {
            if (i < input.Length && input[i] != (byte)'\n') continue;
            parts.Add(input[start..i]);
            start = i + 1;
        }
        while (parts.Count < 5) parts.Add(Array.Empty<byte>());
        bool dhcp = parts[0].Length > 0 && parts[0][0] != (byte)'0';

        var lists = new List<string>[4];
        string? problem = null;
        for (int k = 0; k < 4; k++)
        {
            var field = new byte[FieldLengths[k]];
            parts[k + 1].AsSpan(0, Math.Min(parts[k + 1].Length, field.Length)).CopyTo(field);
            List<string>? items = ParseList(field, Kinds[k], out problem);
            if (items is null) return Verdict.Refused(FuzzRunner.Behaviour(k, Fixture.Cut(problem)));
            foreach (string item in items)
                Check(item.Length > 0 && item.AsSpan().IndexOfAnyExcept("0123456789abcdefABCDEF.:") < 0, $"accepted item \"{item}\"");
            lists[k] = items;
        }
        problem = CheckPairs(lists[0], lists[1]);
        if (problem is not null) return Verdict.Refused(FuzzRunner.Behaviour(5, Fixture.Cut(problem)));

        var config = new IpConfig("fz0", KvpMessages.Mac, dhcp, lists[0], lists[1], lists[2], lists[3]);
        ConfigFiles.CheckText(IfcfgWriter.Format(config), "ifcfg");
        ConfigFiles.CheckText(NmKeyfileWriter.Format(config), "keyfile");
        return Verdict.Accepted(FuzzRunner.Behaviour(6, Math.Min(lists[0].Count, 4), Math.Min(lists[1].Count, 4), Math.Min(lists[2].Count, 3), Math.Min(lists[3].Count, 3)));
    }
}
