using System.Collections.Generic;

namespace HvDaemons.Kvp.Net;

/// <summary>A validated SET_IP_INFO request: every list item is a plain address (or a prefix
/// length in <see cref="Subnets"/>), so nothing in it can add a line or shell code to a file.</summary>
internal sealed record IpConfig(
    string Interface,
    string Mac,
    bool Dhcp,
    IReadOnlyList<string> Addresses,
    IReadOnlyList<string> Subnets,
    IReadOnlyList<string> Gateways,
    IReadOnlyList<string> Dns);
