using HvDaemons.HostSim.Kernel;
using HvDaemons.Wire;

namespace HvDaemons.HostSim.Host;

/// <summary>Whether the host got an answer at all within the time the test was willing to wait.</summary>
public enum HostOutcome
{
    Answered,
    /// <summary>No answer in time (e.g. KVP while no daemon registered: the request waits in the ring).</summary>
    NoAnswer,
}

/// <summary>IP configuration as the host sees it after the kernel's UTF-8 -> UTF-16 conversion.</summary>
public sealed record KvpIpInfo(string AdapterId, byte AddrFamily, bool DhcpEnabled, string IpAddresses,
                               string SubNets, string Gateways, string DnsServers);

/// <summary>The host's view of one KVP request.</summary>
public sealed record KvpReply(HostOutcome Outcome, uint Status, AnswerSource? Source,
                              string? Key = null, string? Value = null, KvpIpInfo? IpInfo = null)
{
    public bool Ok => Outcome == HostOutcome.Answered && Status == HvStatus.S_OK;
    public override string ToString() => Outcome == HostOutcome.NoAnswer ? "no answer"
        : HvStatus.Name(Status) + (Source == AnswerSource.Daemon ? "" : " (" + Source + ")")
          + (Key is null ? "" : " key=\"" + Key + "\"") + (Value is null ? "" : " value=\"" + Value + "\"");
}

/// <summary>The host's view of one VSS request; Flags as the host receives them.</summary>
public sealed record VssReply(HostOutcome Outcome, uint Status, AnswerSource? Source, uint Flags = 0)
{
    public override string ToString() => Outcome == HostOutcome.NoAnswer ? "no answer"
        : HvStatus.Name(Status) + (Source == AnswerSource.Daemon ? "" : " (" + Source + ")") + (Flags != 0 ? " flags=0x" + Flags.ToString("x") : "");
}

/// <summary>The host's view of one FCOPY request.</summary>
public sealed record FcopyReply(HostOutcome Outcome, uint Status, AnswerSource? Source)
{
    public override string ToString() => Outcome == HostOutcome.NoAnswer ? "no answer"
        : HvStatus.Name(Status) + (Source == AnswerSource.Daemon ? "" : " (" + Source + ")");
}
