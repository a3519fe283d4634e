using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    /// <summary>inet_pton(3): 1 when <paramref name="src"/> is a valid address of family
    /// <paramref name="af"/>, 0 when not. Strict: no scope ids, no spaces, no shorthand IPv4.</summary>
    [LibraryImport("libc")]
    internal static partial int inet_pton(int af, byte* src, void* dst);
}
