namespace HvDaemons.Cli;

/// <summary>The parsed flags. <see cref="ExitCode"/> is set when the program must exit at once
/// (after -h, --version or a bad option), with everything already printed.</summary>
public sealed record DaemonOptions(bool NoDaemon, bool Debug, int? ExitCode);
