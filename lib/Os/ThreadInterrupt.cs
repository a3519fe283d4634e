namespace HvDaemons.Os;

/// <summary>
/// Ending one thread's blocking read with a signal: the stop signals are made to interrupt
/// calls (EINTR, no restart), and another thread can direct one at the reader.
/// </summary>
public static class ThreadInterrupt
{
    /// <summary>The calling thread, for <see cref="Send"/>.</summary>
    public static nuint Current() => Interop.pthread_self();

    /// <summary>Calls <paramref name="sig"/>'s handler interrupts now fail with EINTR.</summary>
    public static bool MakeInterrupting(int sig) => Interop.siginterrupt(sig, 1) == 0;

    public static bool Send(nuint thread, int sig) => Interop.pthread_kill(thread, sig) == 0;
}
