using System;

namespace HvDaemons.Logging;

/// <summary>
/// One line per event, upstream's wording. Debug lines are dropped unless enabled (-d).
/// Subclasses decide where a line goes: syslog, stderr, or a list in a test.
/// </summary>
public abstract class Logger
{
    public bool DebugEnabled { get; set; }

    public void Err(string message) => Write(LogLevel.Err, message);
    public void Warning(string message) => Write(LogLevel.Warning, message);
    public void Info(string message) => Write(LogLevel.Info, message);

    public void Debug(string message)
    {
        if (DebugEnabled) Write(LogLevel.Debug, message);
    }

    public void Write(LogLevel level, string message)
    {
        // A line break inside a message would forge a second log record.
        if (message.AsSpan().IndexOfAny('\n', '\r') >= 0)
            message = message.Replace('\n', ' ').Replace('\r', ' ');
        Emit(level, message);
    }

    protected abstract void Emit(LogLevel level, string message);

    /// <summary>Sends whatever was held back (see <see cref="SyslogLogger"/>); no-op by default.</summary>
    public virtual void Flush() { }

    /// <summary>
    /// While true, no line may be written to a local file or terminal (the VSS daemon sets it
    /// while filesystems are frozen: such a write could block until the thaw). Lines that
    /// cannot go to the syslog socket are held and written once it is cleared.
    /// </summary>
    public virtual bool DeferLocalOutput { get; set; }
}

/// <summary>Lines to standard error, used when /dev/log is missing.</summary>
public sealed class StderrLogger(string ident) : Logger
{
    protected override void Emit(LogLevel level, string message)
        => Console.Error.WriteLine(ident + ": " + message);
}
