namespace HvDaemons.Kvp.Client;

/// <summary>What a guest-side pool operation came to; the client's exit status follows it.</summary>
public enum ClientOutcome
{
    /// <summary>Found, or done.</summary>
    Ok = 0,
    /// <summary>No record with that key.</summary>
    NotFound = 1,
    /// <summary>The request is not one we may carry out (bad key, value or pool).</summary>
    Refused = 2,
    /// <summary>The pool file could not be opened, locked, read or written.</summary>
    Failed = 3,
}

/// <summary>An outcome and, unless Ok or NotFound, one line that names the file and the reason.</summary>
public readonly record struct ClientResult(ClientOutcome Outcome, string? Problem)
{
    public static ClientResult Ok { get; } = new(ClientOutcome.Ok, null);
    public static ClientResult NotFound { get; } = new(ClientOutcome.NotFound, null);
    public static ClientResult Refuse(string problem) => new(ClientOutcome.Refused, problem);
    public static ClientResult Fail(string problem) => new(ClientOutcome.Failed, problem);
}
