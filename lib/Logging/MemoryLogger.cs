using System.Collections.Generic;

namespace HvDaemons.Logging;

/// <summary>Keeps lines in memory: for unit tests and for the simulated host's transcript.</summary>
public sealed class MemoryLogger : Logger
{
    public List<(LogLevel Level, string Message)> Lines { get; } = new();

    protected override void Emit(LogLevel level, string message) => Lines.Add((level, message));
}
