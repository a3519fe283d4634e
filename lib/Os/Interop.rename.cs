using System.Runtime.InteropServices;

namespace HvDaemons.Os;

internal static unsafe partial class Interop
{
    /// <summary>rename(2); Tmds.LibC has no binding for it.</summary>
    [LibraryImport("libc", SetLastError = true)]
    internal static partial int rename(byte* from, byte* to);
}
