namespace HvDaemons.Logging;

/// <summary>syslog severities (RFC 3164 / sys/syslog.h).</summary>
public enum LogLevel
{
    Err = 3,
    Warning = 4,
    Notice = 5,
    Info = 6,
    Debug = 7,
}
