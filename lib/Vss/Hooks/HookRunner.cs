using HvDaemons.Os;

namespace HvDaemons.Vss.Hooks;

/// <summary>Runs one hook with "freeze" or "thaw"; the seam unit tests replace.</summary>
public interface IHookRunner
{
    ChildResult Run(string hook, string phase, int timeoutMs);
}

/// <summary>
/// A hook as a child process: argv [hook, phase], PATH as its whole environment (nothing of the
/// daemon's leaks in), stdin /dev/null, stdout and stderr captured together, its own session and
/// process group, which a timeout kills whole.
/// </summary>
public sealed class ProcessHookRunner : IHookRunner
{
    public const string HookPath = "PATH=/usr/sbin:/usr/bin:/sbin:/bin";

    static readonly string[] CleanEnvironment = [HookPath];

    /// <remarks>The hook is done when it has exited and its output is closed: a background
    /// process that keeps the output open counts against the timeout.</remarks>
    public ChildResult Run(string hook, string phase, int timeoutMs)
        => ChildProcess.Run(hook, [hook, phase], timeoutMs, CleanEnvironment, captureStderr: true);
}
