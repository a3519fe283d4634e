using System.Collections.Generic;
using HvDaemons.Logging;

namespace HvDaemons.Tests.Vss;

/// <summary>Keeps each line with whether local output was deferred (filesystems frozen) when it was logged.</summary>
sealed class RecordingLogger : Logger
{
    public List<(LogLevel Level, string Message, bool Deferred)> Lines { get; } = new();

    public IEnumerable<string> Messages
    {
        get { foreach (var l in Lines) yield return l.Message; }
    }

    protected override void Emit(LogLevel level, string message) => Lines.Add((level, message, DeferLocalOutput));
}
