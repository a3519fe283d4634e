namespace HvDaemons.Kvp.Net;

/// <summary>One address of one interface as getifaddrs reports it, already in upstream's text forms.</summary>
internal readonly record struct IfAddress(string Interface, bool IsIPv6, bool Loopback, string Address, string Subnet);
