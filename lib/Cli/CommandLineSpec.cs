namespace HvDaemons.Cli;

/// <summary>What differs between the daemons' command lines (docs/protocol.md §8.1).</summary>
/// <param name="ProgramName">The installed name, used by --version.</param>
/// <param name="HasDebug">Whether -d/--debug exists (hv_kvp_daemon only).</param>
/// <param name="HelpExitCode">Status after -h: 0 for kvp and vss, 1 for fcopy, 234 for the uio daemon.</param>
/// <param name="BadOptionExitCode">Status after an unknown option.</param>
public sealed record CommandLineSpec(string ProgramName, bool HasDebug, int HelpExitCode, int BadOptionExitCode);
