using System.Collections.Generic;
using System.Text;
using HvDaemons.Kvp.Net;

namespace HvDaemons.Kvp.Auto;

/// <summary>
/// Pool 2 (AUTO): ten intrinsic keys the daemon generates instead of storing, in upstream's
/// index order. Index 10 and later end the host's enumeration.
/// </summary>
internal sealed class AutoPool
{
    public const int Count = 10;
    const int MaxValueBytes = Wire.KvpLayout.MaxValueSize - 1;

    static readonly string[] Keys =
    [
        "FullyQualifiedDomainName", "IntegrationServicesVersion", "NetworkAddressIPv4",
        "NetworkAddressIPv6", "OSBuildNumber", "OSName", "OSMajorVersion", "OSMinorVersion",
        "OSVersion", "ProcessorArchitecture",
    ];

    readonly HostFacts _facts;
    readonly System.Func<string> _licVersion;

    public AutoPool(HostFacts facts, System.Func<string> licVersion)
    {
        _facts = facts;
        _licVersion = licVersion;
    }

    public static string KeyAt(int index) => Keys[index];

    public string ValueAt(int index) => index switch
    {
        0 => HostFacts.FullyQualifiedDomainName(),
        1 => _licVersion(),
        2 => Addresses(ipv6: false),
        3 => Addresses(ipv6: true),
        4 => _facts.KernelRelease,
        5 => _facts.OsName,
        6 => _facts.Release.MajorVersion,
        7 => _facts.Release.MinorVersion,
        8 => _facts.KernelVersion,
        9 => _facts.Machine,
        _ => "",
    };

    /// <summary>Every non-loopback address of one family, ';'-separated, whole items only.</summary>
    static string Addresses(bool ipv6)
    {
        List<IfAddress>? all = InterfaceAddresses.Read(out _);
        if (all is null) return "";
        var sb = new StringBuilder();
        foreach (IfAddress a in all)
        {
            if (a.Loopback || a.IsIPv6 != ipv6) continue;
            int extra = a.Address.Length + (sb.Length > 0 ? 1 : 0);
            if (sb.Length + extra > MaxValueBytes) break;
            if (sb.Length > 0) sb.Append(';');
            sb.Append(a.Address);
        }
        return sb.ToString();
    }
}
