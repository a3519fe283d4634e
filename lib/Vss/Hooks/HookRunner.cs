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

    static readonly string[] Environment = [HookPath];

    public ChildResult Run(string hook, string phase, int timeoutMs)
        => ChildProcess.Run(hook, [hook, phase], timeoutMs, Environment, captureStderr: true);
}
